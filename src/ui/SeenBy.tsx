import { forwardRef, type HTMLAttributes } from 'react';
import type { ClientMessage } from 'socketkit';
import { useReadReceipts } from 'socketkit/react';
import { useSocketkitUI } from './SocketkitUIProvider.js';
import { cx } from './cx.js';

/** Props of `<SeenBy>`: a `p`'s, plus the conversation and its messages. */
export interface SeenByProps extends HTMLAttributes<HTMLParagraphElement> {
  conversationId: string;
  messages: readonly ClientMessage[];
  currentUserId: string | null;
}

/** The newest stored message, if any. */
function newestStored(messages: readonly ClientMessage[]): ClientMessage | undefined {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.seq !== null) return messages[i];
  return undefined;
}

/**
 * "Seen by Bob and Carol": the other participants whose read receipt
 * (`receipt:read`, protocol 1.2) reaches the newest stored message, neither
 * its sender nor this user. Nothing is rendered before anyone has read it.
 */
export const SeenBy = forwardRef<HTMLParagraphElement, SeenByProps>(function SeenBy({ conversationId, messages, currentUserId, className, ...rest }, ref) {
  const receipts = useReadReceipts(conversationId);
  const { strings, users } = useSocketkitUI();
  const newest = newestStored(messages);
  if (!newest) return null;
  const readers = [...receipts].filter(([userId, seq]) => seq >= newest.seq! && userId !== newest.senderId && userId !== currentUserId);
  if (readers.length === 0) return null;
  return (
    <p ref={ref} {...rest} className={cx('sk-seen-by', className)} data-seq={newest.seq}>
      {strings.seenBy(readers.map(([userId]) => users[userId]?.name ?? userId))}
    </p>
  );
});
