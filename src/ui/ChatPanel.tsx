import { forwardRef, useId, useState, type HTMLAttributes, type ReactNode } from 'react';
import type { ClientMessage, RealtimeErrorLike } from 'socketkit';
import { useConversation, useSocket } from 'socketkit/react';
import { MessageList } from './MessageList.js';
import { MessageComposer } from './MessageComposer.js';
import { TypingIndicator } from './TypingIndicator.js';
import { SeenBy } from './SeenBy.js';
import { useSocketkitUI } from './SocketkitUIProvider.js';
import type { SocketkitStrings } from './strings.js';
import { useLatestCallback } from './useLatestCallback.js';
import { errorCodeOf } from './error-code.js';
import { cx } from './cx.js';

/** Props of `<ChatPanel>`: a `section`'s, plus the conversation. */
export interface ChatPanelProps extends Omit<HTMLAttributes<HTMLElement>, 'title'> {
  conversationId: string;
  /** Heading shown above the messages (also the panel's accessible name). */
  title?: ReactNode | undefined;
  /** Extra content in the header, e.g. an `<AvatarStack>`. */
  headerEnd?: ReactNode | undefined;
  /** Custom message content; pass a stable function. */
  renderContent?: ((message: ClientMessage) => ReactNode) | undefined;
  autoFocus?: boolean | undefined;
}

/** A failure of an action the panel started (older history, resending), shown until it succeeds or is dismissed. */
interface ActionFailure {
  kind: 'loadOlder' | 'retry';
  code: RealtimeErrorLike['code'];
}

/** Why the conversation cannot be shown at all (join refused), or null. */
function joinFailure(status: string, error: RealtimeErrorLike | null, strings: SocketkitStrings): string | null {
  if (status !== 'error' || !error) return null;
  if (error.code === 'NOT_FOUND') return strings.conversationNotFound;
  if (error.code === 'FORBIDDEN') return strings.conversationForbidden;
  return strings.conversationFailed(strings.errorReason(error.code));
}

/**
 * A complete chat: header, virtualized `MessageList`, `TypingIndicator` and
 * `MessageComposer` for one conversation, joined while mounted.
 *
 * Failures are shown, never swallowed, with overridable strings: a join the
 * server refuses (`NOT_FOUND`, `FORBIDDEN`, …) replaces the list and composer
 * with an alert (`data-status="error"`, `data-error-code`); a failed
 * older-history load shows an alert with Retry; a refused resend shows an
 * alert with Dismiss; a failed message says why in its row. A connection that
 * failed for good (a refused token, `status: 'failed'`) replaces the list and
 * composer with the reason and Retry (`data-connection="failed"`); before the
 * first connection (and in server-rendered HTML) the list says "Connecting…".
 *
 * @example
 * <RealtimeProvider url="http://localhost:3001" getToken={getToken}>
 *   <ChatPanel conversationId="general" title="General" />
 * </RealtimeProvider>
 */
export const ChatPanel = forwardRef<HTMLElement, ChatPanelProps>(function ChatPanel(
  { conversationId, title, headerEnd, renderContent, autoFocus, className, ...rest },
  ref,
) {
  const conversation = useConversation(conversationId);
  const connection = useSocket();
  const { userId } = connection;
  const { strings } = useSocketkitUI();
  const titleId = useId();
  const [failure, setFailure] = useState<ActionFailure | null>(null);

  const loadOlder = useLatestCallback(() => {
    conversation.loadOlder().then(
      () => setFailure((f) => (f?.kind === 'loadOlder' ? null : f)),
      (error: unknown) => setFailure({ kind: 'loadOlder', code: errorCodeOf(error) }),
    );
  });
  // A resend the server refuses marks its row failed, with the reason; the alert is for the
  // rest: refused at once (the message is no longer in the outbox, e.g. discarded in another
  // tab) or gone from the list unsent (`DESTROYED`, as `SendResult` documents).
  const retry = useLatestCallback((clientMessageId: string) => {
    const resent = conversation.retry(clientMessageId);
    if (resent.status === 'refused') return setFailure({ kind: 'retry', code: resent.error.code });
    resent.then(
      () => setFailure((f) => (f?.kind === 'retry' ? null : f)),
      (error: unknown) => {
        if (errorCodeOf(error) === 'DESTROYED') setFailure({ kind: 'retry', code: 'DESTROYED' });
      },
    );
  });

  const refused = joinFailure(conversation.status, conversation.error, strings);
  // A connection that failed for good (refused token, server unreachable after the last attempt)
  // is the panel's state: no "say hello", no "queued", but why and a Retry.
  const notConnected = connection.status === 'failed' ? strings.chatNotConnected(strings.errorReason(connection.error?.code ?? 'CONNECT_FAILED')) : null;
  // Before the first connection (and in server-rendered HTML) nothing is known about the history yet.
  const firstConnect = conversation.status !== 'joined' && (connection.status === 'idle' || connection.status === 'connecting');
  return (
    <section
      ref={ref}
      aria-labelledby={title ? titleId : undefined}
      {...rest}
      className={cx('sk-chat', className)}
      data-status={conversation.status}
      data-connection={connection.status}
      data-error-code={conversation.status === 'error' ? conversation.error?.code : notConnected ? connection.error?.code : undefined}
    >
      {(title || headerEnd) && (
        <header className="sk-chat-header">
          {title && (
            <h2 id={titleId} className="sk-chat-title">
              {title}
            </h2>
          )}
          {headerEnd}
        </header>
      )}
      {notConnected ? (
        <p className="sk-chat-error" role="alert">
          <span>{notConnected}</span>{' '}
          <button type="button" className="sk-link" onClick={connection.reconnect}>
            {strings.retry}
          </button>
        </p>
      ) : refused ? (
        <p className="sk-chat-error" role="alert">
          {refused}
        </p>
      ) : (
        <>
          {failure && (
            <div className="sk-chat-alert" role="alert" data-kind={failure.kind}>
              <span>
                {failure.kind === 'loadOlder'
                  ? strings.loadOlderFailed(strings.errorReason(failure.code))
                  : strings.retryFailed(strings.errorReason(failure.code))}
              </span>{' '}
              {failure.kind === 'loadOlder' && (
                <button type="button" className="sk-link" onClick={loadOlder}>
                  {strings.retry}
                </button>
              )}{' '}
              <button type="button" className="sk-link" onClick={() => setFailure(null)}>
                {strings.dismiss}
              </button>
            </div>
          )}
          <MessageList
            messages={conversation.messages}
            currentUserId={userId}
            hasMore={conversation.hasMore}
            loadingOlder={conversation.loadingOlder}
            onLoadOlder={failure?.kind === 'loadOlder' ? undefined : loadOlder}
            onRetry={retry}
            onDiscard={conversation.discard}
            renderContent={renderContent}
            emptyLabel={firstConnect ? strings.chatConnecting : undefined}
          />
          <SeenBy conversationId={conversationId} messages={conversation.messages} currentUserId={userId} />
          <TypingIndicator conversationId={conversationId} />
          <MessageComposer conversationId={conversationId} autoFocus={autoFocus} />
        </>
      )}
    </section>
  );
});
