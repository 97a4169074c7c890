import { useEffect, useMemo, useSyncExternalStore } from './react.js';
import type { UserPresence } from 'socketkit';
import type { UserId } from 'socketkit/protocol';
import { UNKNOWN_PRESENCE } from './presence-unknown.js';
import { useRealtimeClient } from './useRealtimeClient.js';

const read = (ids: readonly UserId[], get: (id: UserId) => UserPresence | undefined) =>
  new Map(ids.map((id) => [id, get(id) ?? UNKNOWN_PRESENCE]));

/**
 * Presence of several users as a `ReadonlyMap<userId, { online, since, lastSeen }>`,
 * in the order given. Watches them while mounted. The map keeps its identity
 * until one of these users changes, and an equal array (even a new one each
 * render) changes nothing.
 *
 * @example
 * function Members({ ids }: { ids: string[] }) {
 *   const presence = usePresenceOf(ids);
 *   const online = ids.filter((id) => presence.get(id)?.online);
 *   return <p>{online.length} of {ids.length} online</p>;
 * }
 */
export function usePresenceOf(userIds: readonly UserId[]): ReadonlyMap<UserId, UserPresence> {
  const { presence } = useRealtimeClient();
  const key = JSON.stringify(userIds);
  const ids = useMemo(() => JSON.parse(key) as UserId[], [key]);
  useEffect(() => presence.watch(ids), [presence, ids]);
  const [subscribe, getSnapshot, getServerSnapshot] = useMemo(() => {
    const unknown = read(ids, () => undefined);
    // The last map, kept while it holds the current values of these ids.
    let map = unknown;
    return [
      (listener: () => void) => {
        const offs = ids.map((id) => presence.subscribeUser(id, listener));
        return () => offs.forEach((off) => off());
      },
      () => (ids.some((id) => map.get(id) !== (presence.get(id) ?? UNKNOWN_PRESENCE)) ? (map = read(ids, (id) => presence.get(id))) : map),
      () => unknown,
    ];
  }, [presence, ids]);
  return useSyncExternalStore(subscribe, getSnapshot, getServerSnapshot);
}
