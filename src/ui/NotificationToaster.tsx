import { forwardRef, memo, useEffect, type HTMLAttributes } from 'react';
import type { Notification } from 'socketkit/protocol';
import { useNotifications } from 'socketkit/react';
import { useSocketkitUI } from './SocketkitUIProvider.js';
import { useLatestCallback } from './useLatestCallback.js';
import { cx } from './cx.js';
import { safeHref } from './safe-url.js';

/** Props of `<NotificationToaster>`: a `section`'s, plus limits. */
export interface NotificationToasterProps extends HTMLAttributes<HTMLElement> {
  /** Most toasts kept. Default 5. */
  max?: number | undefined;
  /** Auto-dismiss after this long; 0 keeps toasts until dismissed. Default 6000 ms. */
  durationMs?: number | undefined;
}

const Toast = memo(function Toast({
  notification,
  durationMs,
  onDismiss,
}: {
  notification: Notification;
  durationMs: number;
  onDismiss: (id: string) => void;
}) {
  const { strings } = useSocketkitUI();
  const { id } = notification;
  // Another user may have written the link: only http(s) and relative ones become one.
  const href = safeHref(notification.link);
  useEffect(() => {
    if (!durationMs) return;
    const timer = setTimeout(() => onDismiss(id), durationMs);
    return () => clearTimeout(timer);
  }, [id, durationMs, onDismiss]);
  return (
    <li className="sk-toast">
      <div className="sk-toast-body">
        <strong className="sk-toast-title">
          {href ? <a href={href}>{notification.title}</a> : notification.title}
        </strong>
        <p>{notification.body}</p>
      </div>
      <button type="button" className="sk-icon-button" aria-label={strings.dismiss} onClick={() => onDismiss(id)}>
        ×
      </button>
    </li>
  );
});

/** Toasts for `notification:new`, announced politely, auto-dismissed, each with a Dismiss button. */
export const NotificationToaster = forwardRef<HTMLElement, NotificationToasterProps>(function NotificationToaster(
  { max = 5, durationMs = 6000, className, ...rest },
  ref,
) {
  const { notifications, dismiss } = useNotifications({ max });
  const { strings } = useSocketkitUI();
  // A stable callback, so each toast's timer is not restarted by other toasts.
  const onDismiss = useLatestCallback(dismiss);
  return (
    <section ref={ref} aria-label={strings.notificationsLabel} {...rest} className={cx('sk-toaster', className)}>
      <div role="status" aria-live="polite">
        <ol className="sk-toasts">
          {notifications.map((n) => (
            <Toast key={n.id} notification={n} durationMs={durationMs} onDismiss={onDismiss} />
          ))}
        </ol>
      </div>
    </section>
  );
});
