import type { NotificationListResult, NotificationReadStatePayload, StoredNotification } from '../protocol/index.js';
import { featureOf, type ClientInternals } from './client-internals.js';
import type { Context } from './context.js';
import { toRealtimeError } from './errors.js';
import { badRead } from './mark-read.js';
import { INITIAL_PAGE_STATE, createPageLoader, type PageLoader } from './page-loader.js';
import { createStore, type Store } from './store.js';
import type { NotificationInboxApi, NotificationInboxSnapshot, RealtimeClient } from './types.js';

/** Most notifications the inbox holds; past it the oldest go (the server keeps at least 1,000 per user). */
export const MAX_INBOX_NOTIFICATIONS = 1000;

/** The snapshot before the first answer; also what the server renders. */
export const INITIAL_NOTIFICATION_INBOX: NotificationInboxSnapshot = Object.freeze({
  notifications: Object.freeze([]) as readonly StoredNotification[],
  unreadCount: 0,
  ...INITIAL_PAGE_STATE,
});

/** Everything the inbox knows. Internal to this file. */
interface Runtime {
  ctx: Context;
  store: Store<NotificationInboxSnapshot>;
  loader: PageLoader;
}

const nowIso = (rt: Runtime) => new Date(rt.ctx.now()).toISOString();

function received(rt: Runtime, page: NotificationListResult, first: boolean): void {
  const held = rt.store.getSnapshot().notifications;
  const known = new Set(first ? [] : held.map((n) => n.id));
  const notifications = [...(first ? [] : held), ...page.notifications.filter((n) => !known.has(n.id))].slice(0, MAX_INBOX_NOTIFICATIONS);
  rt.store.set({ notifications, unreadCount: page.unreadCount });
}

/** `notification:new`: newest first, once per id. Old servers send no `readAt`: unread. */
function onNew(rt: Runtime, notification: StoredNotification): void {
  if (!rt.loader.loaded) return;
  const { notifications, unreadCount } = rt.store.getSnapshot();
  if (notifications.some((n) => n.id === notification.id)) return;
  const stored = { ...notification, readAt: notification.readAt ?? null };
  rt.store.set({ notifications: [stored, ...notifications].slice(0, MAX_INBOX_NOTIFICATIONS), unreadCount: unreadCount + (stored.readAt === null ? 1 : 0) });
}

/** Mark read what `isRead` picks, at `readAt`; returns how many of them were unread. */
function markLocally(rt: Runtime, isRead: (n: StoredNotification) => boolean): number {
  const readAt = nowIso(rt);
  let changed = 0;
  const notifications = rt.store.getSnapshot().notifications.map((n) => {
    if (n.readAt !== null || !isRead(n)) return n;
    changed++;
    return { ...n, readAt };
  });
  if (changed > 0) rt.store.set({ notifications });
  return changed;
}

/** `notification:read-state` from any socket of this user: the ids that changed (or all) and the count. */
function onReadState(rt: Runtime, state: NotificationReadStatePayload): void {
  const ids = 'ids' in state && state.ids ? new Set(state.ids) : null;
  markLocally(rt, (n) => ids === null || ids.has(n.id));
  rt.store.set({ unreadCount: state.unreadCount });
}

/** Optimistic, then the server's count. Queued while offline; a refusal refetches the truth. */
async function markRead(rt: Runtime, payload: { ids: string[] } | { all: true }): Promise<void> {
  const ids = 'ids' in payload ? new Set(payload.ids) : null;
  const changed = markLocally(rt, (n) => ids === null || ids.has(n.id));
  const { unreadCount } = rt.store.getSnapshot();
  rt.store.set({ unreadCount: ids === null ? 0 : Math.max(0, unreadCount - changed) });
  try {
    const answer = await rt.ctx.request('notification:read', payload, { queueWhileOffline: true });
    rt.store.set({ unreadCount: answer.unreadCount });
  } catch (error) {
    void rt.loader.refresh();
    throw toRealtimeError(error);
  }
}

function checkIds(ids: readonly string[]): string[] {
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string' || id === '')) {
    throw badRead(process.env.NODE_ENV !== 'production' ? 'ids must be an array of non-empty strings' : undefined);
  }
  return [...ids];
}

/** The inbox of one client, kept live from its creation on. */
function createNotificationInbox({ context: ctx, onLink }: ClientInternals): NotificationInboxApi {
  const store = createStore<NotificationInboxSnapshot>(INITIAL_NOTIFICATION_INBOX);
  const rt: Runtime = {
    ctx,
    store,
    loader: createPageLoader(ctx, store, {
      fetch: (cursor, limit) => ctx.request('notification:list', { cursor, limit }),
      received: (page, first) => received(rt, page, first),
    }),
  };
  ctx.on('notification:new', (notification) => onNew(rt, notification));
  ctx.on('notification:read-state', (state) => onReadState(rt, state));
  onLink('up', () => rt.loader.linkUp());
  onLink('down', () => rt.loader.linkDown());
  onLink('destroy', () => rt.loader.destroy());
  return {
    getSnapshot: store.getSnapshot,
    getServerSnapshot: () => INITIAL_NOTIFICATION_INBOX,
    subscribe: store.subscribe,
    watch: (options = {}) => rt.loader.watch(options),
    refresh: () => rt.loader.refresh(),
    loadMore: () => rt.loader.loadMore(),
    markRead: (ids) => {
      try {
        const checked = checkIds(ids);
        return checked.length === 0 ? Promise.resolve() : markRead(rt, { ids: checked });
      } catch (error) {
        return Promise.reject(error);
      }
    },
    markAllRead: () => markRead(rt, { all: true }),
  };
}

const inboxes = new WeakMap<RealtimeClient, NotificationInboxApi>();

/**
 * The user's stored notifications (`notification:list`) on `client`, newest
 * first, with the unread count of all of them, kept live by
 * `notification:new` and `notification:read-state` (another tab or device
 * read them). Fetched while watched; fetched again after every reconnect.
 * Made on first use, one per client: an app that never calls it ships none
 * of it (`useNotificationInbox` calls it).
 *
 * @example
 * const inbox = getNotificationInbox(client);
 * const release = inbox.watch();
 * inbox.subscribe(() => renderBell(inbox.getSnapshot().unreadCount));
 * @throws TypeError when `client` was not made by `createRealtimeClient`.
 */
export const getNotificationInbox = (client: RealtimeClient): NotificationInboxApi => featureOf(inboxes, client, createNotificationInbox);
