import { MAX_PRESENCE_IDS, type PresenceState, type UserId } from '../protocol/index.js';
import type { Context, Presence } from './context.js';
import { batch, createListeners, schedule } from './store.js';
import type { PresenceSnapshot, UserPresence } from './types.js';

/**
 * Reference-counted, batched presence: watches made in the same tick become one
 * `presence:subscribe`, the last release one `presence:unsubscribe`.
 */
export function createPresence(ctx: Context): Presence {
  const counts = new Map<UserId, number>();
  const values = new Map<UserId, UserPresence>();
  const perUser = new Map<UserId, ReturnType<typeof createListeners>>();
  const all = createListeners();
  const remote = new Set<UserId>(); // what the server sends us now
  const touched = new Set<UserId>(); // watch counts that went to or from 0 since the last flush
  let snapshot: PresenceSnapshot | null = null;

  const changed = (id: UserId) => {
    snapshot = null;
    schedule(all.notify);
    const one = perUser.get(id);
    if (one) schedule(one.notify);
  };

  // Absent times are null; same state, same object: a badge re-renders only when its user changed.
  const put = (id: UserId, online: boolean, since: string | null = null, lastSeen: string | null = null) => {
    const next: UserPresence = { online, since, lastSeen };
    if (!counts.has(id) || JSON.stringify(values.get(id)) == JSON.stringify(next)) return;
    values.set(id, next);
    changed(id);
  };

  const send = (event: 'presence:subscribe' | 'presence:unsubscribe', ids: UserId[]) => {
    for (let i = 0; i < ids.length; i += MAX_PRESENCE_IDS) {
      const userIds = ids.slice(i, i + MAX_PRESENCE_IDS);
      ctx.request(event, { userIds }).then(
        (r) => batch(() => (r as { users?: PresenceState[] }).users?.forEach((u) => put(u.userId, u.online, u.since, u.lastSeen))),
        // Not subscribed after all: the next flush or reconnect tries again.
        () => userIds.forEach((id) => remote.delete(id)),
      );
    }
  };

  function flush() {
    const add: UserId[] = [];
    const drop: UserId[] = [];
    batch(() =>
      touched.forEach((id) => {
        if (counts.has(id)) {
          if (!remote.has(id)) add.push(id);
        } else {
          if (remote.has(id)) drop.push(id);
          if (values.delete(id)) changed(id);
        }
      }),
    );
    touched.clear();
    // Offline, `resync` subscribes every watched id after the next connect.
    if (!ctx.connected()) return;
    drop.forEach((id) => remote.delete(id));
    add.forEach((id) => remote.add(id));
    send('presence:unsubscribe', drop);
    send('presence:subscribe', add);
  }

  /** Marks a count that went to or from 0; the first one of a tick schedules the flush. Returns 0. */
  const touch = (id: UserId) => {
    if (!touched.size) void Promise.resolve().then(flush);
    touched.add(id);
    return 0;
  };

  ctx.on('user:online', (p) => put(p.userId, true, p.at));
  ctx.on('user:offline', (p) => put(p.userId, false, null, p.lastSeen));

  return {
    subscribe: all.subscribe,
    getSnapshot: () => (snapshot ||= new Map(values)),
    get: (id) => values.get(id),
    isOnline: (id) => !!values.get(id)?.online,
    subscribeUser(id, listener) {
      const one = perUser.get(id) ?? perUser.set(id, createListeners()).get(id)!;
      const off = one.subscribe(listener);
      return () => {
        off();
        if (!one.set.size) perUser.delete(id);
      };
    },
    watch(input) {
      const ids = [...new Set([input].flat())];
      ids.forEach((id) => counts.set(id, (counts.get(id) ?? touch(id)) + 1));
      let released = false;
      return () => {
        if (released) return;
        released = true;
        ids.forEach((id) => {
          const n = counts.get(id)! - 1;
          if (n) counts.set(id, n);
          else {
            counts.delete(id);
            touch(id);
          }
        });
      };
    },
    list: (o) => ctx.request('presence:list', o ?? {}),
    resync() {
      remote.clear();
      counts.forEach((_, id) => touched.add(id));
      flush();
    },
    reset: () => remote.clear(),
  };
}
