import { useEffect, useMemo } from './react.js';
import { getNotificationInbox, type NotificationInboxApi, type NotificationInboxSnapshot } from 'socketkit';
import { useRealtimeClient } from './useRealtimeClient.js';
import { bound, useStore } from './useStore.js';

/** What `useNotificationInbox()` returns: the core's `getNotificationInbox(client)` snapshot plus its actions. */
export type NotificationInboxState = NotificationInboxSnapshot & Pick<NotificationInboxApi, 'markRead' | 'markAllRead' | 'loadMore' | 'refresh'>;

/**
 * The user's stored notifications, newest first, with the unread count of
 * all of them (protocol 1.2 `notification:list`): still there after a
 * reload or a reconnect, kept live by `notification:new` and by reads on
 * the user's other devices. `markRead(ids)` and `markAllRead()` show at once
 * and reach the server when connected. (`useNotifications` only collects
 * live toasts while mounted.)
 *
 * @example
 * function Bell() {
 *   const { notifications, unreadCount, markAllRead } = useNotificationInbox();
 *   return <button onClick={() => markAllRead()}>🔔 {unreadCount} ({notifications.length} loaded)</button>;
 * }
 */
export function useNotificationInbox({ limit, enabled = true }: { limit?: number; enabled?: boolean } = {}): NotificationInboxState {
  const notificationInbox = getNotificationInbox(useRealtimeClient());
  useEffect(() => {
    if (enabled) return notificationInbox.watch({ limit });
  }, [notificationInbox, limit, enabled]);
  const snapshot = useStore(notificationInbox);
  const actions = useMemo(() => bound(notificationInbox, ['markRead', 'markAllRead', 'loadMore', 'refresh']), [notificationInbox]);
  return useMemo(() => ({ ...snapshot, ...actions }), [snapshot, actions]);
}
