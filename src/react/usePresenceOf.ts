import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore } from './react.js';
import type { UserPresence } from 'socketkit';
import type { UserId } from 'socketkit/protocol';
import { UNKNOWN_PRESENCE } from './presence-unknown.js';
import { useRealtimeClient } from './useRealtimeClient.js';

type Selection = { ids: readonly UserId[]; values: UserPresence[]; map: ReadonlyMap<UserId, UserPresence> };

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
  const subscribe = useCallback(
    (listener: () => void) => {
      const offs = ids.map((id) => presence.subscribeUser(id, listener));
      return () => offs.forEach((off) => off());
    },
    [presence, ids],
  );
  const last = useRef<Selection>(undefined);
  const getSnapshot = () => {
    const values = ids.map((id) => presence.get(id) ?? UNKNOWN_PRESENCE);
    const prev = last.current;
    if (prev && prev.ids === ids && values.every((value, i) => value === prev.values[i])) return prev.map;
    last.current = { ids, values, map: new Map(ids.map((id, i) => [id, values[i] as UserPresence])) };
    return last.current.map;
  };
  const serverSnapshot = useMemo(() => new Map(ids.map((id) => [id, UNKNOWN_PRESENCE])), [ids]);
  return useSyncExternalStore(subscribe, getSnapshot, () => serverSnapshot);
}
