import { useMemo, useState } from './react.js';
import type { Notification } from 'socketkit/protocol';
import { useRealtimeEvent } from './useRealtimeEvent.js';

/** What `useNotifications()` returns. */
export interface NotificationsState {
  /** Oldest first; at most `max`. */
  notifications: readonly Notification[];
  dismiss(id: string): void;
  clear(): void;
}

const EMPTY: readonly Notification[] = [];

/**
 * Collects `notification:new` events while mounted, oldest first, keeping
 * the newest `max` (default 5). A notification delivered twice (same id) is
 * kept once. Each call keeps its own list.
 *
 * @example
 * function Toasts() {
 *   const { notifications, dismiss } = useNotifications({ max: 3 });
 *   return notifications.map((n) => (
 *     <div role="status" key={n.id}>{n.title} <button onClick={() => dismiss(n.id)}>×</button></div>
 *   ));
 * }
 */
export function useNotifications({ max = 5 }: { max?: number } = {}): NotificationsState {
  const [notifications, setNotifications] = useState(EMPTY);
  useRealtimeEvent('notification:new', (notification) =>
    setNotifications((list) => (list.some((n) => n.id === notification.id) ? list : [...list, notification].slice(-max))),
  );
  const actions = useMemo(
    () => ({ dismiss: (id: string) => setNotifications((list) => list.filter((n) => n.id !== id)), clear: () => setNotifications(EMPTY) }),
    [],
  );
  return useMemo(() => ({ notifications, ...actions }), [notifications, actions]);
}
