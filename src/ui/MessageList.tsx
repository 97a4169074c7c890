import { forwardRef, useEffect, useImperativeHandle, useMemo, useRef, useState, type HTMLAttributes, type ReactNode } from 'react';
import type { ClientMessage } from 'socketkit';
import { useSocketkitUI } from './SocketkitUIProvider.js';
import { MessageRow } from './MessageRow.js';
import { buildRows, messageKey } from './message-rows.js';
import { useVirtualList } from './useVirtualList.js';
import { useChatScroll } from './useChatScroll.js';
import { useLatestCallback } from './useLatestCallback.js';
import { formatDay } from './format.js';
import { cx } from './cx.js';

/** Props of `<MessageList>`: a `div`'s (the scroll container), plus the conversation state. */
export interface MessageListProps extends Omit<HTMLAttributes<HTMLDivElement>, 'children'> {
  /** Messages in display order (as `useConversation().messages`). */
  messages: readonly ClientMessage[];
  /** The signed-in user: their messages are marked `data-mine` and sending one scrolls to the bottom. */
  currentUserId?: string | null | undefined;
  /** Older history exists: scrolling near the top calls `onLoadOlder`. */
  hasMore?: boolean | undefined;
  loadingOlder?: boolean | undefined;
  onLoadOlder?: (() => void) | undefined;
  onRetry?: ((clientMessageId: string) => void) | undefined;
  onDiscard?: ((clientMessageId: string) => void) | undefined;
  /** Custom message content (e.g. markdown). Pass a stable function: rows re-render when it changes. */
  renderContent?: ((message: ClientMessage) => ReactNode) | undefined;
  /** Assumed row height before measuring. Default 56. */
  estimateRowHeight?: number | undefined;
  /** Pixels rendered beyond the viewport. Default 600. */
  overscanPx?: number | undefined;
  /** Shown when there are no messages. Default `strings.emptyConversation`. */
  emptyLabel?: ReactNode | undefined;
}

/**
 * A virtualized message list: grouped by sender and day, pending and failed
 * states with retry, older history loaded when scrolled near the top (keeping
 * the scroll position), and stuck to the bottom while the reader is there.
 * Only the rows near the viewport are in the DOM, so 10,000 messages stay smooth.
 */
export const MessageList = forwardRef<HTMLDivElement, MessageListProps>(function MessageList(
  {
    messages,
    currentUserId,
    hasMore,
    loadingOlder,
    onLoadOlder,
    onRetry,
    onDiscard,
    renderContent,
    estimateRowHeight,
    overscanPx,
    emptyLabel,
    className,
    onScroll,
    ...rest
  },
  ref,
) {
  const { strings, locale, users } = useSocketkitUI();
  const rows = useMemo(() => buildRows(messages), [messages]);
  const keys = useMemo(() => rows.map((r) => r.key), [rows]);
  const v = useVirtualList(keys, { estimateHeight: estimateRowHeight, overscanPx });
  const last = messages[messages.length - 1];
  const lastKey = last ? messageKey(last) : '';
  const prevLastKey = useRef<string | null>(null);
  const { scrollerRef, onScroll: syncScroll } = useChatScroll({ rows, virtual: v, last, currentUserId, hasMore, loadingOlder, onLoadOlder });
  useImperativeHandle(ref, () => scrollerRef.current!, [scrollerRef]);

  // Stable functions, so memoized rows do not re-render when the parent passes new ones.
  const retry = useLatestCallback(onRetry);
  const discard = useLatestCallback(onDiscard);

  // New messages from others are announced; the scrolling list itself is not a
  // live region, or virtualization would announce rows as they scroll in.
  const [announcement, setAnnouncement] = useState('');
  useEffect(() => {
    if (prevLastKey.current && last && lastKey !== prevLastKey.current && last.senderId !== currentUserId) {
      setAnnouncement(strings.newMessage(users[last.senderId]?.name ?? last.senderId, last.content));
    }
    prevLastKey.current = lastKey;
  }, [lastKey, last, currentUserId, strings, users]);

  return (
    <div
      ref={scrollerRef}
      role="region"
      aria-label={strings.messagesLabel}
      tabIndex={0}
      {...rest}
      className={cx('sk-message-list', className)}
      data-loading-older={!!loadingOlder}
      onScroll={(e) => {
        syncScroll();
        onScroll?.(e);
      }}
    >
      {loadingOlder && (
        <div className="sk-loading-older" role="status">
          <span>{strings.loadingOlder}</span>
        </div>
      )}
      {rows.length === 0 ? (
        <p className="sk-empty">{emptyLabel ?? strings.emptyConversation}</p>
      ) : (
        <div role="list" className="sk-message-rows" style={{ paddingTop: v.before, paddingBottom: v.after }}>
          {rows.slice(v.start, v.end).map((row, i) => (
            <div
              key={row.key}
              ref={v.measure}
              data-key={row.key}
              role="listitem"
              aria-posinset={v.start + i + 1}
              aria-setsize={rows.length}
              className={row.kind === 'day' ? 'sk-day' : 'sk-row'}
            >
              {row.kind === 'day' ? (
                <span>{formatDay(row.date, Date.now(), locale)}</span>
              ) : (
                <MessageRow
                  message={row.message}
                  groupStart={row.groupStart}
                  mine={row.message.senderId === currentUserId}
                  renderContent={renderContent}
                  onRetry={retry}
                  onDiscard={discard}
                />
              )}
            </div>
          ))}
        </div>
      )}
      <div className="sk-sr-only" role="status" aria-live="polite">
        {announcement}
      </div>
    </div>
  );
});
