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

/** The seed design's `notification:new` (`{ title, message, link }`, no id or date), as apps migrating from it send. */
interface SeedNotification {
  id?: string | number;
  title?: string;
  body?: string;
  message?: string;
  link?: string;
  createdAt?: string;
}

let unnamed = 0;

/**
 * A `notification:new` payload as a `Notification`: the protocol's shape as is;
 * the seed's `message` becomes `body`, a missing id a local one (so it has a key
 * and can be dismissed), a missing date now.
 */
function toNotification(payload: Notification | SeedNotification): Notification {
  const raw = payload as SeedNotification;
  if (typeof raw.id === 'string' && typeof raw.body === 'string' && typeof raw.createdAt === 'string') return payload as Notification;
  const notification: Notification = {
    id: raw.id === undefined ? `local-${++unnamed}` : String(raw.id),
    title: raw.title ?? '',
    body: raw.body ?? raw.message ?? '',
    createdAt: raw.createdAt ?? new Date().toISOString(),
  };
  if (raw.link !== undefined) notification.link = raw.link;
  return notification;
}

/**
 * Collects `notification:new` events while mounted, oldest first, keeping
 * the newest `max` (default 5). A notification delivered twice (same id) is
 * kept once. Each call keeps its own list. The seed design's shape
 * `{ title, message, link }` is accepted: `message` becomes `body`, and a
 * notification without an id gets a local one.
 *
 * @example
 * function Toasts() {
 *   const { notifications, dismiss } = useNotifications({ max: 3 });
 *   return notifications.map((n) => (
 *     <div role="status" key={n.id}>{n.title} <button onClick={() => dismiss(n.id)}>×</button></div>
 *   ));
 * }
 */
export function useNotifications({ max = 5 }: { max?: number | undefined } = {}): NotificationsState {
  const [notifications, setNotifications] = useState(EMPTY);
  useRealtimeEvent('notification:new', (payload) => {
    const notification = toNotification(payload);
    setNotifications((list) => (list.some((n) => n.id === notification.id) ? list : [...list, notification].slice(-max)));
  });
  const actions = useMemo(
    () => ({ dismiss: (id: string) => setNotifications((list) => list.filter((n) => n.id !== id)), clear: () => setNotifications(EMPTY) }),
    [],
  );
  return useMemo(() => ({ notifications, ...actions }), [notifications, actions]);
}
