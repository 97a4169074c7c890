import { forwardRef, useId, type HTMLAttributes, type ReactNode } from 'react';
import type { ClientMessage } from 'socketkit';
import { useConversation, useSocket } from 'socketkit/react';
import { MessageList } from './MessageList.js';
import { MessageComposer } from './MessageComposer.js';
import { TypingIndicator } from './TypingIndicator.js';
import { cx } from './cx.js';

/** Props of `<ChatPanel>`: a `section`'s, plus the conversation. */
export interface ChatPanelProps extends Omit<HTMLAttributes<HTMLElement>, 'title'> {
  conversationId: string;
  /** Heading shown above the messages (also the panel's accessible name). */
  title?: ReactNode;
  /** Extra content in the header, e.g. an `<AvatarStack>`. */
  headerEnd?: ReactNode;
  /** Custom message content; pass a stable function. */
  renderContent?: (message: ClientMessage) => ReactNode;
  autoFocus?: boolean;
}

/**
 * A complete chat: header, virtualized `MessageList`, `TypingIndicator` and
 * `MessageComposer` for one conversation, joined while mounted.
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
  const { userId } = useSocket();
  const titleId = useId();
  return (
    <section
      ref={ref}
      aria-labelledby={title ? titleId : undefined}
      {...rest}
      className={cx('sk-chat', className)}
      data-status={conversation.status}
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
      <MessageList
        messages={conversation.messages}
        currentUserId={userId}
        hasMore={conversation.hasMore}
        loadingOlder={conversation.loadingOlder}
        onLoadOlder={() => void conversation.loadOlder().catch(() => undefined)}
        onRetry={(id) => void conversation.retry(id).catch(() => undefined)}
        onDiscard={conversation.discard}
        renderContent={renderContent}
      />
      <TypingIndicator conversationId={conversationId} />
      <MessageComposer conversationId={conversationId} autoFocus={autoFocus} />
    </section>
  );
});
