import { useEffect, useMemo, useState } from './react.js';
import type { RealtimeErrorLike } from 'socketkit';
import type { OnlineUser, UserId } from 'socketkit/protocol';
import { useRealtimeClient } from './useRealtimeClient.js';
import { useRealtimeEvent } from './useRealtimeEvent.js';
import { useSocket } from './useSocket.js';

/** What `useOnlineUsers()` returns. */
export interface OnlineUsersState {
  /** Who is online: the first page of `presence:list`, kept up to date by the events this client hears. */
  users: readonly OnlineUser[];
  /** More users are online than the page holds. */
  hasMore: boolean;
  /** True until the first answer. */
  loading: boolean;
  error: RealtimeErrorLike | null;
  /** Ask the server again. */
  refresh(): void;
}


/**
 * Who is online now, for small deployments and dashboards: the first page
 * of `presence:list` (up to `limit`), fetched on every (re)connect and every
 * `refreshMs` (default 15 s; 0 turns polling off), and patched in between by
 * every `user:online` / `user:offline` this client hears. Presence is scoped,
 * so a client hears only users it watches: the poll is what finds users it
 * does not know yet. For known users prefer `usePresenceOf`, which is exact
 * and cheaper.
 *
 * @example
 * function WhoIsOnline() {
 *   const { users, loading } = useOnlineUsers();
 *   if (loading) return null;
 *   return <ul>{users.map((u) => <li key={u.userId}>{u.userId}</li>)}</ul>;
 * }
 */
export function useOnlineUsers({ limit, refreshMs = 15_000 }: { limit?: number; refreshMs?: number } = {}): OnlineUsersState {
  const client = useRealtimeClient();
  const { status } = useSocket();
  const [state, setState] = useState({ users: [] as readonly OnlineUser[], hasMore: false, loading: true, error: null as RealtimeErrorLike | null });
  const refresh = useMemo(
    () => () =>
      void client.presence.list({ limit }).then(
        (page) => setState({ ...page, loading: false, error: null }),
        (error: RealtimeErrorLike) => setState((s) => ({ ...s, loading: false, error })),
      ),
    [client, limit],
  );
  useEffect(() => {
    if (status !== 'connected') return;
    refresh();
    if (refreshMs > 0) {
      const timer = setInterval(refresh, refreshMs);
      return () => clearInterval(timer);
    }
  }, [status, refresh, refreshMs]);
  // Patched locally, not fetched again: several lists on a page must not turn each event into requests.
  const patch = (userId: UserId, online: OnlineUser[]) =>
    setState((s) => ({ ...s, users: [...s.users.filter((u) => u.userId !== userId), ...online] }));
  useRealtimeEvent('user:online', ({ userId, at }) => patch(userId, [{ userId, since: at }]));
  useRealtimeEvent('user:offline', ({ userId }) => patch(userId, []));
  return { ...state, refresh };
}
