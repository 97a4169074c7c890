import {
  forwardRef,
  useCallback,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type HTMLAttributes,
  type ReactNode,
} from 'react';
import type { ClientMessage } from 'socketkit';
import { useSocketkitUI } from './SocketkitUIProvider.js';
import { MessageRow } from './MessageRow.js';
import { buildRows, messageKey } from './message-rows.js';
import { useVirtualList } from './useVirtualList.js';
import { formatDay } from './format.js';
import { cx } from './cx.js';

// Layout effects warn during SSR; effects are enough there because nothing is measured.
const useIsoLayoutEffect = typeof document === 'undefined' ? useEffect : useLayoutEffect;

/** Props of `<MessageList>`: a `div`'s (the scroll container), plus the conversation state. */
export interface MessageListProps extends Omit<HTMLAttributes<HTMLDivElement>, 'children'> {
  /** Messages in display order (as `useConversation().messages`). */
  messages: readonly ClientMessage[];
  /** The signed-in user: their messages are marked `data-mine` and sending one scrolls to the bottom. */
  currentUserId?: string | null;
  /** Older history exists: scrolling near the top calls `onLoadOlder`. */
  hasMore?: boolean;
  loadingOlder?: boolean;
  onLoadOlder?: () => void;
  onRetry?: (clientMessageId: string) => void;
  onDiscard?: (clientMessageId: string) => void;
  /** Custom message content (e.g. markdown). Pass a stable function: rows re-render when it changes. */
  renderContent?: (message: ClientMessage) => ReactNode;
  /** Assumed row height before measuring. Default 56. */
  estimateRowHeight?: number;
  /** Pixels rendered beyond the viewport. Default 600. */
  overscanPx?: number;
}

/** Within this many px of the bottom the list sticks to new messages. */
const PIN_SLACK = 32;
/** Within this many px of the top the list loads older history. */
const LOAD_OLDER_PX = 300;

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
  const scroller = useRef<HTMLDivElement>(null);
  useImperativeHandle(ref, () => scroller.current!, []);

  // Callbacks live in a ref so rows get stable functions and stay memoized.
  const latest = useRef({ onRetry, onDiscard, onLoadOlder, hasMore, loadingOlder });
  useIsoLayoutEffect(() => {
    latest.current = { onRetry, onDiscard, onLoadOlder, hasMore, loadingOlder };
  });
  const retry = useCallback((id: string) => latest.current.onRetry?.(id), []);
  const discard = useCallback((id: string) => latest.current.onDiscard?.(id), []);

  // The row at the top of the viewport and how far into it we are: restored after
  // rows are prepended or re-measured, so loading older history does not jump.
  const anchor = useRef<{ key: string; delta: number } | null>(null);

  const sync = (pin?: boolean) => {
    const el = scroller.current;
    if (!el) return;
    const pinned = pin ?? el.scrollHeight - el.scrollTop - el.clientHeight <= PIN_SLACK;
    v.setViewport(el.scrollTop, el.clientHeight, pinned);
    let i = Math.max(0, Math.min(keys.length - 1, upper(v.offsets, el.scrollTop) - 1));
    // Anchor on a message: a day separator's row moves to the top when older messages of that day arrive.
    while (rows[i]?.kind === 'day' && i < rows.length - 1) i++;
    anchor.current = keys.length ? { key: keys[i]!, delta: el.scrollTop - v.offsets[i]! } : null;
    const l = latest.current;
    if (l.hasMore && !l.loadingOlder && el.scrollTop < LOAD_OLDER_PX && el.clientHeight > 0) l.onLoadOlder?.();
  };

  const last = messages[messages.length - 1];
  const lastKey = last ? messageKey(last) : '';
  const prevLastKey = useRef<string | null>(null);

  useIsoLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    // Sending a message takes the reader to it.
    const ownNew = last && lastKey !== prevLastKey.current && last.senderId === currentUserId && last.status !== 'sent';
    let pinned = v.pinnedToEnd || !!ownNew;
    if (pinned) el.scrollTop = el.scrollHeight;
    else if (anchor.current) {
      const i = v.indexOf(anchor.current.key);
      if (i !== undefined) {
        const target = v.offsets[i]! + anchor.current.delta;
        if (Math.abs(el.scrollTop - target) > 1) el.scrollTop = target;
      } else pinned = el.scrollHeight - el.scrollTop - el.clientHeight <= PIN_SLACK;
    }
    sync(pinned);
  }, [v.offsets]);

  // The container's own size changes (window resize, keyboard on mobile).
  const syncRef = useRef(sync);
  const pinnedRef = useRef(v.pinnedToEnd);
  useIsoLayoutEffect(() => {
    syncRef.current = sync;
    pinnedRef.current = v.pinnedToEnd;
  });
  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => {
      if (pinnedRef.current) el.scrollTop = el.scrollHeight;
      syncRef.current(pinnedRef.current || undefined);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

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
      ref={scroller}
      role="region"
      aria-label={strings.messagesLabel}
      tabIndex={0}
      {...rest}
      className={cx('sk-message-list', className)}
      data-loading-older={!!loadingOlder}
      onScroll={(e) => {
        sync();
        onScroll?.(e);
      }}
    >
      {loadingOlder && (
        <div className="sk-loading-older" role="status">
          <span>{strings.loadingOlder}</span>
        </div>
      )}
      {rows.length === 0 ? (
        <p className="sk-empty">{strings.emptyConversation}</p>
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

/** First index whose offset is > y. */
function upper(offsets: Float64Array, y: number): number {
  let lo = 0;
  let hi = offsets.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid]! <= y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
