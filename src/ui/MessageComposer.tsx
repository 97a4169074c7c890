import { forwardRef, useId, useState, type FormHTMLAttributes, type KeyboardEvent } from 'react';
import type { RealtimeErrorCode } from 'socketkit';
import { useRealtimeClient, useSocket, useTyping } from 'socketkit/react';
import { LIMITS } from 'socketkit/protocol';
import { useSocketkitUI } from './SocketkitUIProvider.js';
import { cx } from './cx.js';

/** Props of `<MessageComposer>`: a `form`'s, plus the conversation. */
export interface MessageComposerProps extends Omit<FormHTMLAttributes<HTMLFormElement>, 'onSubmit'> {
  conversationId: string;
  /** Placeholder of the text area; defaults to `strings.composerPlaceholder`. */
  placeholder?: string | undefined;
  /** Called with each message handed to the client for sending. */
  onSend?: ((content: string) => void) | undefined;
  autoFocus?: boolean | undefined;
}

/**
 * A message box: Enter sends, Shift+Enter adds a line, typing start/stop is
 * sent for you. While offline it stays usable and says that messages are
 * queued (`data-queued`); they go out on reconnect. A send the client refuses
 * before queueing it (`OUTBOX_FULL`) puts the text back and says why
 * (`strings.sendRefused`).
 */
export const MessageComposer = forwardRef<HTMLFormElement, MessageComposerProps>(function MessageComposer(
  { conversationId, placeholder, onSend, autoFocus, className, ...rest },
  ref,
) {
  const client = useRealtimeClient();
  const { isConnected, status } = useSocket();
  // Queued "for reconnect" only when a connection was lost: not before the first one (or in
  // server-rendered HTML), and not after a failure for good, where the banner / panel says why.
  const showQueued = status === 'reconnecting' || status === 'disconnected';
  const { startTyping, stopTyping } = useTyping(conversationId);
  const { strings } = useSocketkitUI();
  const [value, setValue] = useState('');
  // A send the client refused before it became a message (e.g. OUTBOX_FULL): nothing in the list shows it.
  const [refused, setRefused] = useState<RealtimeErrorCode | null>(null);
  const noteId = useId();
  const errorId = useId();
  const inputId = useId();

  const submit = () => {
    const content = value.trim();
    if (!content) return;
    setValue('');
    setRefused(null);
    stopTyping();
    // A failure of a sent or queued message shows as a failed row with Retry in the list; a
    // refusal before it became a message (the core says so at once) gives the text back here.
    const sent = client.conversation(conversationId).send(content);
    if (sent.status === 'refused') {
      setValue((current) => current || content);
      setRefused(sent.error.code);
    }
    onSend?.(content);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  };

  return (
    <form
      ref={ref}
      {...rest}
      className={cx('sk-composer', className)}
      data-queued={!isConnected}
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label htmlFor={inputId} className="sk-sr-only">
        {strings.composerLabel}
      </label>
      <textarea
        id={inputId}
        className="sk-composer-input"
        rows={1}
        value={value}
        maxLength={LIMITS.maxContentLength}
        placeholder={placeholder ?? strings.composerPlaceholder}
        aria-describedby={[showQueued ? noteId : null, refused ? errorId : null].filter((id) => id !== null).join(' ') || undefined}
        autoFocus={autoFocus}
        onChange={(e) => {
          setValue(e.target.value);
          if (e.target.value) startTyping();
          else stopTyping();
        }}
        onBlur={() => stopTyping()}
        onKeyDown={onKeyDown}
      />
      <button type="submit" className="sk-button sk-send" disabled={!value.trim()}>
        {strings.send}
      </button>
      {showQueued && (
        <p id={noteId} className="sk-composer-note">
          {strings.composerQueued}
        </p>
      )}
      {refused && (
        <p id={errorId} className="sk-composer-note sk-composer-error" role="alert">
          {strings.sendRefused(strings.errorReason(refused))}
        </p>
      )}
    </form>
  );
});
