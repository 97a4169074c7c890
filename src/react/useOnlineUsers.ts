import { useEffect, useMemo } from './react.js';
import type { OnlineUsersSnapshot } from 'socketkit';
import { useRealtimeClient } from './useRealtimeClient.js';
import { useStore } from './useStore.js';

/** What `useOnlineUsers()` returns: the core's `client.onlineUsers` snapshot plus `refresh`. */
export interface OnlineUsersState extends OnlineUsersSnapshot {
  /** Ask the server again. */
  refresh(): void;
}

/**
 * Who is online now, for small deployments and dashboards: the first page
 * of `presence:list` (up to `limit`), read from the client's one
 * online-users store. While at least one component watches it, the core
 * fetches it on every (re)connect and every `refreshMs` (default 15 s; 0
 * turns polling off for this caller; several callers share one poller at the
 * shortest period) and patches it with every `user:online` / `user:offline`
 * this client hears. `enabled: false` reads without watching (no request,
 * no polling). For known users prefer `usePresenceOf`, which is exact and cheaper.
 *
 * @example
 * function WhoIsOnline() {
 *   const { users, loading } = useOnlineUsers();
 *   if (loading) return null;
 *   return <ul>{users.map((u) => <li key={u.userId}>{u.userId}</li>)}</ul>;
 * }
 */
export function useOnlineUsers({ limit, refreshMs, enabled = true }: { limit?: number | undefined; refreshMs?: number | undefined; enabled?: boolean | undefined } = {}): OnlineUsersState {
  const { onlineUsers } = useRealtimeClient();
  useEffect(() => {
    if (enabled) return onlineUsers.watch({ limit, refreshMs });
  }, [onlineUsers, limit, refreshMs, enabled]);
  const snapshot = useStore(onlineUsers);
  return useMemo(() => ({ ...snapshot, refresh: () => onlineUsers.refresh() }), [snapshot, onlineUsers]);
}
