import type { OnlineUser, UserId } from '../protocol/index.js';
import type { Context } from './context.js';
import { toRealtimeError } from './errors.js';
import { createStore } from './store.js';
import type { OnlineUsersApi, OnlineUsersSnapshot, OnlineUsersWatchOptions } from './types.js';

/** Default `refreshMs` of `onlineUsers.watch` (ms). */
export const ONLINE_USERS_REFRESH_MS = 15_000;

/** The snapshot before the first answer; also what the server renders. */
export const INITIAL_ONLINE_USERS: OnlineUsersSnapshot = Object.freeze({ users: [], hasMore: false, loading: true, error: null });

/** The client's online-users store, plus what the client drives it with. Internal. */
export interface OnlineUsers extends OnlineUsersApi {
  /** Connected: fetch again if anyone watches. */
  refreshIfWatched(): void;
  destroy(): void;
}

/**
 * Who is online: the first page of `presence:list`, fetched while at least
 * one watcher exists (one reference-counted poller per client, however many
 * components read it) and patched by every `user:online`/`user:offline` the
 * client hears. With several watchers the largest `limit` and the shortest
 * `refreshMs` win.
 */
export function createOnlineUsers(ctx: Context): OnlineUsers {
  const store = createStore<OnlineUsersSnapshot>(INITIAL_ONLINE_USERS);
  const watchers = new Set<OnlineUsersWatchOptions>();
  let pollTimer: ReturnType<typeof setInterval> | undefined;
  let pollEveryMs = 0;
  let requestNumber = 0;

  const limit = () => Math.max(0, ...[...watchers].map((w) => w.limit ?? 0)) || undefined;

  function refresh(): void {
    if (!ctx.connected()) return;
    const mine = ++requestNumber;
    ctx.request('presence:list', { limit: limit() }).then(
      (page) => {
        if (mine === requestNumber) store.set({ users: page.users, hasMore: page.hasMore, loading: false, error: null });
      },
      (error: unknown) => {
        if (mine === requestNumber) store.set({ loading: false, error: toRealtimeError(error) });
      },
    );
  }

  /** One interval for all watchers, at the shortest `refreshMs` asked for (0 = no polling). */
  function schedulePolling(): void {
    const periods = [...watchers].map((w) => w.refreshMs ?? ONLINE_USERS_REFRESH_MS).filter((ms) => ms > 0);
    const wanted = periods.length > 0 ? Math.min(...periods) : 0;
    if (wanted === pollEveryMs) return;
    clearInterval(pollTimer);
    pollTimer = undefined;
    pollEveryMs = wanted;
    if (wanted > 0) pollTimer = setInterval(refresh, wanted);
  }

  // Patched locally, not fetched again: an event must not turn into a request per list.
  const patch = (userId: UserId, online: OnlineUser[]) => {
    if (watchers.size === 0) return;
    const users = [...store.getSnapshot().users.filter((user) => user.userId !== userId), ...online];
    store.set({ users });
  };
  ctx.on('user:online', ({ userId, at }) => patch(userId, [{ userId, since: at }]));
  ctx.on('user:offline', ({ userId }) => patch(userId, []));

  return {
    getSnapshot: store.getSnapshot,
    getServerSnapshot: () => INITIAL_ONLINE_USERS,
    subscribe: store.subscribe,
    refresh,
    watch(options = {}) {
      const watcher = { ...options };
      const pageBefore = limit();
      watchers.add(watcher);
      schedulePolling();
      // The first watcher fetches; a later one only when it asks for a bigger page.
      if (watchers.size === 1 || limit() !== pageBefore) refresh();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        watchers.delete(watcher);
        schedulePolling();
      };
    },
    refreshIfWatched() {
      if (watchers.size > 0) refresh();
    },
    destroy() {
      watchers.clear();
      schedulePolling();
    },
  };
}
