import { useMemo } from 'react';
import { useOnlineUsers, usePresenceOf } from 'socketkit/react';

const NONE: readonly string[] = [];

/**
 * Ids of the users online now: of `userIds` when given (watched presence),
 * otherwise of everyone the server lists (`presence:list`).
 *
 * @example
 * const online = useOnlineUserIds(['alice', 'bob']);
 */
export function useOnlineUserIds(userIds?: readonly string[]): readonly string[] {
  // Given ids are watched exactly: no presence:list, no polling.
  const everyone = useOnlineUsers({ enabled: userIds === undefined });
  const watched = usePresenceOf(userIds ?? NONE);
  return useMemo(
    () => (userIds ? userIds.filter((id) => watched.get(id)?.online) : everyone.users.map((u) => u.userId)),
    [userIds, watched, everyone.users],
  );
}
