/**
 * Notifications of the memory store (protocol 1.2): per user, oldest first,
 * at most `LIMITS.notificationsKeptPerUser` newest kept, with an unread count
 * kept alongside so no request counts a list.
 */
import { LIMITS, type StoredNotification } from '../../protocol/index.js';
import type { SeedNotification } from './seed-data.js';
import type { MarkNotificationsReadInput, NewNotification, NotificationListQuery, NotificationPage, NotificationsReadResult } from './store.js';

interface Entry {
  /** Insertion order across the store: the page position (`before`) of `listNotifications`. */
  ord: number;
  notification: StoredNotification;
}

interface Inbox {
  /** Oldest first. */
  entries: Entry[];
  byId: Map<string, Entry>;
  unread: number;
}

/** The notifications of every user of one memory store. */
export class MemoryNotifications {
  private inboxes = new Map<string, Inbox>();
  private nextOrd = 1;

  constructor(private readonly keep: number = LIMITS.notificationsKeptPerUser) {}

  /** Loads seeded notifications in order, spaced a minute apart ending a minute before `now` unless dated. */
  seed(notifications: readonly SeedNotification[], now: number): void {
    notifications.forEach((seeded, i) => {
      const createdAt = seeded.createdAt ?? new Date(now - (notifications.length - i) * 60_000).toISOString();
      this.store(seeded.userId, this.build(seeded, createdAt, seeded.readAt ?? null));
    });
  }

  add(input: NewNotification): StoredNotification {
    const notification = this.build(input, new Date().toISOString(), null);
    this.store(input.userId, notification);
    return notification;
  }

  list(query: NotificationListQuery): NotificationPage {
    const inbox = this.inboxes.get(query.userId);
    if (!inbox) return { notifications: [], unreadCount: 0, hasMore: false };
    const before = query.before === undefined ? Infinity : Number(query.before);
    const notifications: StoredNotification[] = [];
    let last: Entry | undefined;
    let hasMore = false;
    for (let i = inbox.entries.length - 1; i >= 0; i--) {
      const entry = inbox.entries[i] as Entry;
      if (entry.ord >= before) continue;
      if (query.unreadOnly && entry.notification.readAt !== null) continue;
      if (notifications.length === query.limit) {
        hasMore = true;
        break;
      }
      notifications.push({ ...entry.notification });
      last = entry;
    }
    const page: NotificationPage = { notifications, unreadCount: inbox.unread, hasMore };
    if (hasMore && last) page.nextBefore = String(last.ord);
    return page;
  }

  markRead(input: MarkNotificationsReadInput): NotificationsReadResult {
    const inbox = this.inboxes.get(input.userId);
    if (!inbox) return { changedIds: [], unreadCount: 0 };
    const readAt = new Date().toISOString();
    const changedIds: string[] = [];
    const read = (entry: Entry | undefined) => {
      if (!entry || entry.notification.readAt !== null) return;
      entry.notification.readAt = readAt;
      inbox.unread--;
      changedIds.push(entry.notification.id);
    };
    if ('all' in input) for (const entry of inbox.entries) read(entry);
    else for (const id of input.ids) read(inbox.byId.get(id));
    return { changedIds, unreadCount: inbox.unread };
  }

  private build(input: Omit<NewNotification, 'userId'>, createdAt: string, readAt: string | null): StoredNotification {
    const notification: StoredNotification = { id: globalThis.crypto.randomUUID(), title: input.title, body: input.body, createdAt, readAt };
    if (input.link !== undefined) notification.link = input.link;
    if (input.data !== undefined) notification.data = input.data;
    return notification;
  }

  private store(userId: string, notification: StoredNotification): void {
    let inbox = this.inboxes.get(userId);
    if (!inbox) this.inboxes.set(userId, (inbox = { entries: [], byId: new Map(), unread: 0 }));
    const entry: Entry = { ord: this.nextOrd++, notification };
    inbox.entries.push(entry);
    inbox.byId.set(notification.id, entry);
    if (notification.readAt === null) inbox.unread++;
    // Trim in batches (a tenth over the limit) so an append stays O(1) amortised.
    if (inbox.entries.length > this.keep + Math.ceil(this.keep / 10)) {
      const dropped = inbox.entries.splice(0, inbox.entries.length - this.keep);
      for (const old of dropped) {
        inbox.byId.delete(old.notification.id);
        if (old.notification.readAt === null) inbox.unread--;
      }
    }
  }
}
