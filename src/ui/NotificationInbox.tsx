import { forwardRef, memo, useId, useRef, useState, type HTMLAttributes, type KeyboardEvent } from 'react';
import type { StoredNotification } from 'socketkit';
import { useNotificationInbox } from 'socketkit/react';
import { useSocketkitUI } from './SocketkitUIProvider.js';
import { safeHref } from './safe-link.js';
import { cx } from './cx.js';

/** Props of `<NotificationInbox>`: a `div`'s, plus the page size. */
export interface NotificationInboxProps extends HTMLAttributes<HTMLDivElement> {
  /** Page size asked of the server. */
  limit?: number;
  /** Open the popover at first render (stories, tests). Default false. */
  defaultOpen?: boolean;
}

const NotificationItem = memo(function NotificationItem({ notification, onRead }: { notification: StoredNotification; onRead: (id: string) => void }) {
  const { strings } = useSocketkitUI();
  const href = safeHref(notification.link);
  const unread = notification.readAt === null;
  return (
    <li className="sk-inbox-item" data-unread={unread || undefined}>
      <div className="sk-inbox-item-body">
        <strong className="sk-inbox-item-title">{href ? <a href={href}>{notification.title}</a> : notification.title}</strong>
        {notification.body && <p>{notification.body}</p>}
      </div>
      {unread && (
        <button type="button" className="sk-link" onClick={() => onRead(notification.id)}>
          {strings.markRead}
        </button>
      )}
    </li>
  );
});

/**
 * A bell button with the unread count of the user's stored notifications
 * (protocol 1.2), opening a popover list: newest first, each unread one
 * with Mark read, and Mark all read. Reads made on the user's other devices
 * show here at once. Only http(s) and relative links are rendered as links.
 * Escape closes the popover and returns focus to the bell. State: `data-open`
 * on the root, `data-unread` on unread items, `data-count` on the badge.
 *
 * @example
 * <header><NotificationInbox /></header>
 */
export const NotificationInbox = forwardRef<HTMLDivElement, NotificationInboxProps>(function NotificationInbox(
  { limit, defaultOpen = false, className, ...rest },
  ref,
) {
  const inbox = useNotificationInbox({ limit });
  const { strings } = useSocketkitUI();
  const [open, setOpen] = useState(defaultOpen);
  const popoverId = useId();
  const bell = useRef<HTMLButtonElement>(null);
  const markOne = (id: string) => void inbox.markRead([id]).catch(() => {});
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || !open) return;
    setOpen(false);
    bell.current?.focus();
  };
  return (
    <div ref={ref} {...rest} className={cx('sk-inbox', className)} data-open={open || undefined} onKeyDown={onKeyDown}>
      <button
        ref={bell}
        type="button"
        className="sk-inbox-bell"
        aria-label={strings.openNotifications(inbox.unreadCount)}
        aria-expanded={open}
        aria-controls={popoverId}
        onClick={() => setOpen((o) => !o)}
      >
        <span aria-hidden="true">🔔</span>
        {inbox.unreadCount > 0 && (
          <span className="sk-unread-badge" aria-hidden="true" data-count={inbox.unreadCount}>
            {inbox.unreadCount > 99 ? '99+' : inbox.unreadCount}
          </span>
        )}
      </button>
      <p className="sk-sr-only" role="status">
        {inbox.loading ? '' : strings.openNotifications(inbox.unreadCount)}
      </p>
      <InboxPopover id={popoverId} hidden={!open} inbox={inbox} onRead={markOne} />
    </div>
  );
});

function InboxPopover({ id, hidden, inbox, onRead }: { id: string; hidden: boolean; inbox: ReturnType<typeof useNotificationInbox>; onRead: (id: string) => void }) {
  const { strings } = useSocketkitUI();
  const headingId = useId();
  const popover = useRef<HTMLDivElement>(null);
  // The button pressed goes away once read: focus stays in the popover (Escape still closes it).
  const keepFocus = () => popover.current?.focus();
  const readOne = (notificationId: string) => {
    keepFocus();
    onRead(notificationId);
  };
  const readAll = () => {
    keepFocus();
    void inbox.markAllRead().catch(() => {});
  };
  return (
    <div ref={popover} id={id} role="dialog" aria-labelledby={headingId} tabIndex={-1} className="sk-inbox-popover" hidden={hidden}>
      <div className="sk-inbox-header">
        <h2 id={headingId} className="sk-inbox-heading">
          {strings.notificationsLabel}
        </h2>
        {inbox.unreadCount > 0 && (
          <button type="button" className="sk-link" onClick={readAll}>
            {strings.markAllRead}
          </button>
        )}
      </div>
      {!inbox.loading && inbox.notifications.length === 0 && <p className="sk-list-note">{strings.noNotifications}</p>}
      {inbox.notifications.length > 0 && (
        <ul className="sk-inbox-list">
          {inbox.notifications.map((n) => (
            <NotificationItem key={n.id} notification={n} onRead={readOne} />
          ))}
        </ul>
      )}
      {inbox.hasMore && (
        <button type="button" className="sk-link" disabled={inbox.loadingMore} onClick={() => void inbox.loadMore()}>
          {strings.loadMore}
        </button>
      )}
    </div>
  );
}
