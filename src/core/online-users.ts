import type { OnlineUser, UserId } from '../protocol/index.js';
import { largestLimit, once, type Context } from './context.js';
import { toRealtimeError } from './errors.js';
import { createStore, type Store } from './store.js';
import type { OnlineUsersApi, OnlineUsersSnapshot, OnlineUsersWatchOptions } from './types.js';

/** Default `refreshMs` of `onlineUsers.watch` (ms). */
export const ONLINE_USERS_REFRESH_MS = 15_000;

/** The snapshot before the first answer; also what the server renders. */
export const INITIAL_ONLINE_USERS: OnlineUsersSnapshot = Object.freeze({ users: [], hasMore: false, loading: true, error: null, stale: false });

/** The client's online-users store, plus what the client drives it with. Internal. */
export interface OnlineUsers extends OnlineUsersApi {
  /** Connected: fetch again if anyone watches. */
  refreshIfWatched(): void;
  /** Disconnected: the list is the last one heard, no longer vouched for. */
  linkDown(): void;
  destroy(): void;
}

/** Everything the online-users store knows. Internal to this file. */
interface Runtime {
  ctx: Context;
  store: Store<OnlineUsersSnapshot>;
  watchers: Set<OnlineUsersWatchOptions>;
  pollTimer: ReturnType<typeof setInterval> | undefined;
  pollEveryMs: number;
  /** Only the answer of the latest request is kept. */
  requestNumber: number;
}

const pageSize = (rt: Runtime) => largestLimit(rt.watchers);

function refresh(rt: Runtime): void {
  if (!rt.ctx.connected()) return;
  const mine = ++rt.requestNumber;
  rt.ctx.request('presence:list', { limit: pageSize(rt) }).then(
    (page) => {
      if (mine === rt.requestNumber) rt.store.set({ users: page.users, hasMore: page.hasMore, loading: false, error: null, stale: false });
    },
    (error: unknown) => {
      if (mine === rt.requestNumber) rt.store.set({ loading: false, error: toRealtimeError(error) });
    },
  );
}

/** One interval for all watchers, at the shortest `refreshMs` asked for (0 = no polling). */
function schedulePolling(rt: Runtime): void {
  // A reduce, not a spread into Math.min: the watchers are not bounded.
  const wanted = [...rt.watchers].reduce((shortest, watcher) => {
    const ms = watcher.refreshMs ?? ONLINE_USERS_REFRESH_MS;
    return ms > 0 && (shortest === 0 || ms < shortest) ? ms : shortest;
  }, 0);
  if (wanted === rt.pollEveryMs) return;
  clearInterval(rt.pollTimer);
  rt.pollTimer = undefined;
  rt.pollEveryMs = wanted;
  if (wanted > 0) rt.pollTimer = setInterval(() => refresh(rt), wanted);
}

// Patched locally, not fetched again: an event must not turn into a request per list.
function patch(rt: Runtime, userId: UserId, online: OnlineUser[]): void {
  if (rt.watchers.size === 0) return;
  rt.store.set({ users: [...rt.store.getSnapshot().users.filter((user) => user.userId !== userId), ...online] });
}

function watch(rt: Runtime, options: OnlineUsersWatchOptions): () => void {
  const watcher = { ...options };
  const pageBefore = pageSize(rt);
  rt.watchers.add(watcher);
  schedulePolling(rt);
  // The first watcher fetches; a later one only when it asks for a bigger page.
  if (rt.watchers.size === 1 || pageSize(rt) !== pageBefore) refresh(rt);
  return once(() => {
    rt.watchers.delete(watcher);
    schedulePolling(rt);
  });
}

/**
 * Who is online: the first page of `presence:list`, fetched while at least
 * one watcher exists (one reference-counted poller per client, however many
 * components read it) and patched by every `user:online`/`user:offline` the
 * client hears. With several watchers the largest `limit` and the shortest
 * `refreshMs` win.
 */
export function createOnlineUsers(ctx: Context): OnlineUsers {
  const rt: Runtime = { ctx, store: createStore<OnlineUsersSnapshot>(INITIAL_ONLINE_USERS), watchers: new Set(), pollTimer: undefined, pollEveryMs: 0, requestNumber: 0 };
  ctx.on('user:online', ({ userId, at }) => patch(rt, userId, [{ userId, since: at }]));
  ctx.on('user:offline', ({ userId }) => patch(rt, userId, []));
  return {
    getSnapshot: rt.store.getSnapshot,
    getServerSnapshot: () => INITIAL_ONLINE_USERS,
    subscribe: rt.store.subscribe,
    refresh: () => refresh(rt),
    watch: (options = {}) => watch(rt, options),
    refreshIfWatched() {
      if (rt.watchers.size > 0) refresh(rt);
    },
    linkDown() {
      if (!rt.store.getSnapshot().loading) rt.store.set({ stale: true });
    },
    destroy() {
      rt.watchers.clear();
      schedulePolling(rt);
    },
  };
}
