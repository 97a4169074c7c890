import { forwardRef, type HTMLAttributes } from 'react';
import { useTypingLabel } from './useTypingLabel.js';
import { cx } from './cx.js';

/** Props of `<TypingIndicator>`: a `div`'s, plus the conversation. */
export interface TypingIndicatorProps extends HTMLAttributes<HTMLDivElement> {
  conversationId: string;
}

/**
 * "Alice is typing" for a conversation, as a polite live region that stays
 * in the DOM (empty when nobody types); `data-active` says whether anyone is.
 */
export const TypingIndicator = forwardRef<HTMLDivElement, TypingIndicatorProps>(function TypingIndicator(
  { conversationId, className, ...rest },
  ref,
) {
  const label = useTypingLabel(conversationId);
  return (
    <div ref={ref} role="status" aria-live="polite" {...rest} className={cx('sk-typing', className)} data-active={!!label}>
      {label && (
        <>
          <span className="sk-typing-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          {label}
        </>
      )}
    </div>
  );
});
