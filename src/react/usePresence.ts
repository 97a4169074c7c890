import { useCallback, useEffect, useSyncExternalStore } from './react.js';
import type { UserPresence } from 'socketkit';
import type { UserId } from 'socketkit/protocol';
import { UNKNOWN_PRESENCE } from './presence-unknown.js';
import { useRealtimeClient } from './useRealtimeClient.js';

const server = () => UNKNOWN_PRESENCE;

/**
 * One user's presence, `{ online, since, lastSeen }`. Watches the user while
 * mounted (the core shares and batches watches) and re-renders only when
 * this user changes, however many users the page shows. Offline until the
 * server answered.
 *
 * @example
 * function Dot({ userId }: { userId: string }) {
 *   const { online } = usePresence(userId);
 *   return <span className={online ? 'online' : 'offline'} />;
 * }
 */
export function usePresence(userId: UserId): UserPresence {
  const { presence } = useRealtimeClient();
  useEffect(() => presence.watch(userId), [presence, userId]);
  const subscribe = useCallback((listener: () => void) => presence.subscribeUser(userId, listener), [presence, userId]);
  return useSyncExternalStore(subscribe, () => presence.get(userId) ?? UNKNOWN_PRESENCE, server);
}
