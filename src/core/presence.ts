import { MAX_ID_LENGTH, MAX_PRESENCE_IDS, type PresenceState, type PresenceSubscribeResult, type UserId } from '../protocol/index.js';
import type { Connection, HandshakeAnswer } from './connection-machine.js';
import { noop, once, type Context, type Presence } from './context.js';
import { RealtimeError } from './errors.js';
import type { PresenceWatchInspection } from './inspect.js';
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
  if (typeof id !== 'string' || id === '' || id.length > MAX_ID_LENGTH) return null;
  return id;
}

const samePresence = (a: UserPresence | undefined, b: UserPresence) =>
  a !== undefined && a.online === b.online && a.since === b.since && a.lastSeen === b.lastSeen && a.stale === b.stale;

/** Everything the presence store knows. Internal to this file. */
interface Runtime {
  ctx: Context;
  watchCounts: Map<UserId, number>;
  values: Map<UserId, UserPresence>;
  perUser: Map<UserId, Listeners>;
  all: Listeners;
  subscribedOnServer: Set<UserId>;
  /** Watch counts that went to or from 0 since the last flush. */
  countChanged: Set<UserId>;
  snapshot: PresenceSnapshot | null;
  /** Ids named in the latest handshake (`auth.presence`). */
  inHandshake: UserId[];
}

function changed(rt: Runtime, id: UserId): void {
  rt.snapshot = null;
  schedule(rt.all.notify);
  const listeners = rt.perUser.get(id);
  if (listeners) schedule(listeners.notify);
}

// Absent times are null; same state, same object: a badge re-renders only when its user changed.
function put(rt: Runtime, id: UserId, next: UserPresence): void {
  if (!rt.watchCounts.has(id) || samePresence(rt.values.get(id), next)) return;
  rt.values.set(id, next);
  changed(rt, id);
}

const putState = (rt: Runtime, state: PresenceState) =>
  put(rt, state.userId, { online: state.online, since: state.since ?? null, lastSeen: state.lastSeen ?? null });

function subscribed(rt: Runtime, result: PresenceSubscribeResult): void {
  batch(() => result.users.forEach((state) => putState(rt, state)));
  for (const skipped of result.invalid ?? []) {
    rt.ctx.report(new RealtimeError('BAD_REQUEST', `Invalid user id ${JSON.stringify(skipped.userId)}: ${skipped.message}`), 'presence:subscribe');
  }
}

/** A failed batch is split until the id the server refuses is alone; that one is reported, the rest still subscribe. */
function subscribe(rt: Runtime, userIds: UserId[]): void {
  rt.ctx.request('presence:subscribe', { userIds }).then(
    (result) => subscribed(rt, result),
    (error: unknown) => {
      if (!rt.ctx.connected()) {
        // Not subscribed after all: the next connect subscribes every watched id again.
        userIds.forEach((id) => rt.subscribedOnServer.delete(id));
        return;
      }
      if (userIds.length === 1) {
        rt.subscribedOnServer.delete(userIds[0]!);
        rt.ctx.report(error, `presence:subscribe ${JSON.stringify(userIds[0])}`);
        return;
      }
      const half = Math.ceil(userIds.length / 2);
      subscribe(rt, userIds.slice(0, half));
      subscribe(rt, userIds.slice(half));
    },
  );
}

function send(rt: Runtime, event: 'presence:subscribe' | 'presence:unsubscribe', ids: UserId[]): void {
  for (let start = 0; start < ids.length; start += MAX_PRESENCE_IDS) {
    const userIds = ids.slice(start, start + MAX_PRESENCE_IDS);
    if (event === 'presence:subscribe') subscribe(rt, userIds);
    // Failing is harmless: the server forgets every subscription with the connection anyway.
    else rt.ctx.request(event, { userIds }).catch(noop);
  }
}

/** Sends what changed since the last flush: one subscribe and one unsubscribe at most. */
function flush(rt: Runtime): void {
  const add: UserId[] = [];
  const drop: UserId[] = [];
  batch(() => {
    for (const id of rt.countChanged) {
      if (rt.watchCounts.has(id)) {
        if (!rt.subscribedOnServer.has(id)) add.push(id);
        continue;
      }
      if (rt.subscribedOnServer.has(id)) drop.push(id);
      if (rt.values.delete(id)) changed(rt, id);
    }
  });
  rt.countChanged.clear();
  // Offline, `resync` subscribes every watched id after the next connect.
  if (!rt.ctx.connected()) return;
  drop.forEach((id) => rt.subscribedOnServer.delete(id));
  add.forEach((id) => rt.subscribedOnServer.add(id));
  send(rt, 'presence:unsubscribe', drop);
  send(rt, 'presence:subscribe', add);
}

/** A watch count went to or from 0; the first change of a tick schedules the flush. */
function markCountChanged(rt: Runtime, id: UserId): void {
  if (rt.countChanged.size === 0) void Promise.resolve().then(() => flush(rt));
  rt.countChanged.add(id);
}

/** Valid ids, deduplicated; each invalid one is reported (and warned about) on its own. */
function validIds(rt: Runtime, input: unknown): UserId[] {
  const ids = new Set<UserId>();
  for (const raw of [input].flat()) {
    const id = normalizeUserId(raw);
    if (id === null) rt.ctx.report(new RealtimeError('BAD_REQUEST', `Invalid user id ${JSON.stringify(raw)}: not watched`), 'presence.watch');
    else ids.add(id);
  }
  return [...ids];
}

function watch(rt: Runtime, input: UserId | readonly UserId[]): () => void {
  const ids = validIds(rt, input);
  for (const id of ids) {
    const count = rt.watchCounts.get(id) ?? 0;
    if (count === 0) markCountChanged(rt, id);
    rt.watchCounts.set(id, count + 1);
  }
  return once(() => ids.forEach((id) => unwatchOne(rt, id)));
}

function unwatchOne(rt: Runtime, id: UserId): void {
  const count = rt.watchCounts.get(id)! - 1;
  if (count > 0) {
    rt.watchCounts.set(id, count);
    return;
  }
  rt.watchCounts.delete(id);
  markCountChanged(rt, id);
}

function subscribeUser(rt: Runtime, id: UserId, listener: () => void): () => void {
  let listeners = rt.perUser.get(id);
  if (!listeners) {
    listeners = createListeners();
    rt.perUser.set(id, listeners);
  }
  const own = listeners;
  const unsubscribe = own.subscribe(listener);
  return () => {
    unsubscribe();
    if (own.set.size === 0 && rt.perUser.get(id) === own) rt.perUser.delete(id);
  };
}

/** The first 1,000 watched ids go in the handshake: the server subscribes them before `connection:established`. */
function handshakeWatches(rt: Runtime): UserId[] | undefined {
  rt.inHandshake = [...rt.watchCounts.keys()].slice(0, MAX_PRESENCE_IDS);
  return rt.inHandshake.length > 0 ? rt.inHandshake : undefined;
}

/**
 * Connected (the connection hands every subscriber the handshake's answer;
 * presence reads its part). What the handshake subscribed (a v1.1 server's answer in
 * `connection:established`) counts as subscribed; every other watched id is
 * subscribed now, and ids unwatched since the handshake are unsubscribed. Without
 * an answer (a v1 server) or with a refusal, every watched id is subscribed
 * again (a refusal that recurs is reported by that subscribe).
 */
function resync(rt: Runtime, { presence: answer }: HandshakeAnswer): void {
  rt.subscribedOnServer.clear();
  if (answer?.ok) {
    for (const id of rt.inHandshake) {
      rt.subscribedOnServer.add(id);
      rt.countChanged.add(id);
    }
    subscribed(rt, answer);
  }
  rt.watchCounts.forEach((_, id) => rt.countChanged.add(id));
  flush(rt);
}

function reset(rt: Runtime): void {
  rt.subscribedOnServer.clear();
  // Nothing reaches us now: what we hold is no longer vouched for.
  batch(() => rt.values.forEach((value, id) => put(rt, id, { ...value, stale: true })));
}

/** The watched users as `inspectClient` shows them (development builds). */
function inspect(rt: Runtime): PresenceWatchInspection[] {
  return Array.from(rt.watchCounts, ([userId, watchers]) => {
    const known = rt.values.get(userId);
    return { userId, watchers, subscribed: rt.subscribedOnServer.has(userId), presence: known ? { ...known } : null };
  });
}

/**
 * Reference-counted, batched presence: watches made in the same tick become one
 * `presence:subscribe`, the last release one `presence:unsubscribe`. While the
 * client is disconnected every known value is marked `stale` (the client
 * cannot hear changes); the resubscribe after reconnect replaces them.
 */
export function createPresence(ctx: Context, connection: Pick<Connection, 'onEstablished'>): Presence {
  const rt: Runtime = {
    ctx,
    watchCounts: new Map(),
    values: new Map(),
    perUser: new Map(),
    all: createListeners(),
    subscribedOnServer: new Set(),
    countChanged: new Set(),
    snapshot: null,
    inHandshake: [],
  };
  ctx.on('user:online', (event) => put(rt, event.userId, { online: true, since: event.at, lastSeen: null }));
  ctx.on('user:offline', (event) => put(rt, event.userId, { online: false, since: null, lastSeen: event.lastSeen }));
  connection.onEstablished((answer) => resync(rt, answer));
  const presence: Presence = {
    subscribe: rt.all.subscribe,
    getSnapshot() {
      rt.snapshot ??= new Map(rt.values);
      return rt.snapshot;
    },
    getServerSnapshot: () => EMPTY_SNAPSHOT,
    get: (id) => rt.values.get(id),
    isOnline: (id) => rt.values.get(id)?.online === true,
    subscribeUser: (id, listener) => subscribeUser(rt, id, listener),
    watch: (input) => watch(rt, input),
    list: (options) => ctx.request('presence:list', options ?? {}),
    handshakeWatches: () => handshakeWatches(rt),
    reset: () => reset(rt),
  };
  if (process.env.NODE_ENV !== 'production') presence.inspect = () => inspect(rt);
  return presence;
}
