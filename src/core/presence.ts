import { LIMITS, MAX_PRESENCE_IDS, type PresenceState, type UserId } from '../protocol/index.js';
import { noop, type Context, type Presence } from './context.js';
import { RealtimeError } from './errors.js';
import { batch, createListeners, schedule, type Listeners } from './store.js';
import type { PresenceSnapshot, UserPresence } from './types.js';

const EMPTY_SNAPSHOT: PresenceSnapshot = new Map();

/**
 * A user id as the protocol wants it: a number (an id read from JSON) becomes
 * its string, as the protocol does for token claims; anything else that is not
 * a non-empty string of at most `LIMITS.maxIdLength` is invalid (null).
 */
export function normalizeUserId(input: unknown): UserId | null {
  const id = typeof input === 'number' && Number.isFinite(input) ? String(input) : input;
  if (typeof id !== 'string' || id === '' || id.length > LIMITS.maxIdLength) return null;
  return id;
}

const samePresence = (a: UserPresence | undefined, b: UserPresence) =>
  a !== undefined && a.online === b.online && a.since === b.since && a.lastSeen === b.lastSeen && a.stale === b.stale;

/**
 * Reference-counted, batched presence: watches made in the same tick become one
 * `presence:subscribe`, the last release one `presence:unsubscribe`. While the
 * client is disconnected every known value is marked `stale` (the client
 * cannot hear changes); the resubscribe after reconnect replaces them.
 */
export function createPresence(ctx: Context): Presence {
  const watchCounts = new Map<UserId, number>();
  const values = new Map<UserId, UserPresence>();
  const perUser = new Map<UserId, Listeners>();
  const all = createListeners();
  const subscribedOnServer = new Set<UserId>();
  const countChanged = new Set<UserId>(); // watch counts that went to or from 0 since the last flush
  let snapshot: PresenceSnapshot | null = null;

  function changed(id: UserId): void {
    snapshot = null;
    schedule(all.notify);
    const listeners = perUser.get(id);
    if (listeners) schedule(listeners.notify);
  }

  // Absent times are null; same state, same object: a badge re-renders only when its user changed.
  function put(id: UserId, next: UserPresence): void {
    if (!watchCounts.has(id) || samePresence(values.get(id), next)) return;
    values.set(id, next);
    changed(id);
  }

  const putState = (state: PresenceState) => put(state.userId, { online: state.online, since: state.since ?? null, lastSeen: state.lastSeen ?? null });

  /** A failed batch is split until the id the server refuses is alone; that one is reported, the rest still subscribe. */
  function subscribe(userIds: UserId[]): void {
    ctx.request('presence:subscribe', { userIds }).then(
      (result) => {
        batch(() => result.users.forEach(putState));
        for (const skipped of result.invalid ?? []) {
          ctx.report(new RealtimeError('BAD_REQUEST', `Invalid user id ${JSON.stringify(skipped.userId)}: ${skipped.message}`), 'presence:subscribe');
        }
      },
      (error: unknown) => {
        if (!ctx.connected()) {
          // Not subscribed after all: the next connect subscribes every watched id again.
          userIds.forEach((id) => subscribedOnServer.delete(id));
          return;
        }
        if (userIds.length === 1) {
          subscribedOnServer.delete(userIds[0]!);
          ctx.report(error, `presence:subscribe ${JSON.stringify(userIds[0])}`);
          return;
        }
        const half = Math.ceil(userIds.length / 2);
        subscribe(userIds.slice(0, half));
        subscribe(userIds.slice(half));
      },
    );
  }

  function send(event: 'presence:subscribe' | 'presence:unsubscribe', ids: UserId[]): void {
    for (let start = 0; start < ids.length; start += MAX_PRESENCE_IDS) {
      const userIds = ids.slice(start, start + MAX_PRESENCE_IDS);
      if (event === 'presence:subscribe') subscribe(userIds);
      // Failing is harmless: the server forgets every subscription with the connection anyway.
      else ctx.request(event, { userIds }).catch(noop);
    }
  }

  function flush(): void {
    const add: UserId[] = [];
    const drop: UserId[] = [];
    batch(() => {
      for (const id of countChanged) {
        if (watchCounts.has(id)) {
          if (!subscribedOnServer.has(id)) add.push(id);
          continue;
        }
        if (subscribedOnServer.has(id)) drop.push(id);
        if (values.delete(id)) changed(id);
      }
    });
    countChanged.clear();
    // Offline, `resync` subscribes every watched id after the next connect.
    if (!ctx.connected()) return;
    drop.forEach((id) => subscribedOnServer.delete(id));
    add.forEach((id) => subscribedOnServer.add(id));
    send('presence:unsubscribe', drop);
    send('presence:subscribe', add);
  }

  /** A watch count went to or from 0; the first change of a tick schedules the flush. */
  function markCountChanged(id: UserId): void {
    if (countChanged.size === 0) void Promise.resolve().then(flush);
    countChanged.add(id);
  }

  /** Valid ids, deduplicated; each invalid one is reported (and warned about) on its own. */
  function validIds(input: unknown): UserId[] {
    const ids = new Set<UserId>();
    for (const raw of [input].flat()) {
      const id = normalizeUserId(raw);
      if (id === null) ctx.report(new RealtimeError('BAD_REQUEST', `Invalid user id ${JSON.stringify(raw)}: not watched`), 'presence.watch');
      else ids.add(id);
    }
    return [...ids];
  }

  function watch(input: UserId | readonly UserId[]): () => void {
    const ids = validIds(input);
    for (const id of ids) {
      const count = watchCounts.get(id) ?? 0;
      if (count === 0) markCountChanged(id);
      watchCounts.set(id, count + 1);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const id of ids) {
        const count = watchCounts.get(id)! - 1;
        if (count > 0) {
          watchCounts.set(id, count);
          continue;
        }
        watchCounts.delete(id);
        markCountChanged(id);
      }
    };
  }

  ctx.on('user:online', (event) => put(event.userId, { online: true, since: event.at, lastSeen: null }));
  ctx.on('user:offline', (event) => put(event.userId, { online: false, since: null, lastSeen: event.lastSeen }));

  return {
    subscribe: all.subscribe,
    getSnapshot() {
      snapshot ??= new Map(values);
      return snapshot;
    },
    getServerSnapshot: () => EMPTY_SNAPSHOT,
    get: (id) => values.get(id),
    isOnline: (id) => values.get(id)?.online === true,
    subscribeUser(id, listener) {
      let listeners = perUser.get(id);
      if (!listeners) {
        listeners = createListeners();
        perUser.set(id, listeners);
      }
      const unsubscribe = listeners.subscribe(listener);
      const own = listeners;
      return () => {
        unsubscribe();
        if (own.set.size === 0 && perUser.get(id) === own) perUser.delete(id);
      };
    },
    watch,
    list: (options) => ctx.request('presence:list', options ?? {}),
    resync() {
      subscribedOnServer.clear();
      watchCounts.forEach((_, id) => countChanged.add(id));
      flush();
    },
    reset() {
      subscribedOnServer.clear();
      // Nothing reaches us now: what we hold is no longer vouched for.
      batch(() => values.forEach((value, id) => put(id, { ...value, stale: true })));
    },
  };
}
