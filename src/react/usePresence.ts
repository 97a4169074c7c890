import type { UserPresence } from 'socketkit';
import type { UserId } from 'socketkit/protocol';
import { usePresenceOf } from './usePresenceOf.js';

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
  // One id of `usePresenceOf`: it subscribes to this user only.
  return usePresenceOf([userId]).get(userId)!;
}
