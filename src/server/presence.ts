import type { Server, Socket } from 'socket.io';
import type { OnlineUser, PresenceState, UserId } from '../protocol/index.js';

/**
 * Room of the sockets watching one user. Watching is a room, so a presence
 * change is one `io.to(room).emit`: encoded once, delivered only to
 * watchers, and Socket.IO drops the membership when a socket disconnects.
 */
export const presenceRoom = (userId: UserId): string => `presence:${userId}`;

interface OnlineEntry {
  sockets: number;
  since: string;
  /** Pending `user:offline` while the grace period runs. */
  graceTimer: ReturnType<typeof setTimeout> | null;
}

/**
 * Who is online, counted in sockets so several tabs keep a user online
 * until the last one goes. Connect and disconnect are O(1) plus one emit
 * to the user's watchers.
 */
export class PresenceTracker {
  private readonly online = new Map<UserId, OnlineEntry>();
  private readonly lastSeen = new Map<UserId, string>();
  /** Sorted online ids for `presence:list`, rebuilt lazily after a change. */
  private sorted: UserId[] | null = null;

  constructor(
    private readonly io: Server,
    private readonly graceMs: number,
  ) {}

  /** A socket of `userId` connected. Announces the user if it was offline. */
  connect(userId: UserId): void {
    const entry = this.online.get(userId);
    if (entry) {
      entry.sockets += 1;
      // A reload inside the grace period: the user never looked offline.
      if (entry.graceTimer) {
        clearTimeout(entry.graceTimer);
        entry.graceTimer = null;
      }
      return;
    }
    const since = new Date().toISOString();
    this.online.set(userId, { sockets: 1, since, graceTimer: null });
    this.sorted = null;
    this.announce(userId, 'user:online', { userId, at: since });
  }

  /** A socket of `userId` went away. The last one starts the grace period (or goes offline at once). */
  disconnect(userId: UserId): void {
    const entry = this.online.get(userId);
    if (!entry) return;
    entry.sockets -= 1;
    if (entry.sockets > 0) return;
    if (this.graceMs > 0) {
      entry.graceTimer = setTimeout(() => this.goOffline(userId), this.graceMs);
      entry.graceTimer.unref?.();
    } else {
      this.goOffline(userId);
    }
  }

  private goOffline(userId: UserId): void {
    const entry = this.online.get(userId);
    if (!entry || entry.sockets > 0) return;
    this.online.delete(userId);
    this.sorted = null;
    const lastSeen = new Date().toISOString();
    this.lastSeen.set(userId, lastSeen);
    this.announce(userId, 'user:offline', { userId, lastSeen });
  }

  private announce(userId: UserId, event: 'user:online' | 'user:offline', payload: object): void {
    const room = presenceRoom(userId);
    // Nobody watching (the common case in a connect storm): skip encoding a packet for no one.
    if (!this.io.sockets.adapter.rooms.has(room)) return;
    this.io.to(room).emit(event, payload);
  }

  isOnline(userId: UserId): boolean {
    return this.online.has(userId);
  }

  state(userId: UserId): PresenceState {
    const entry = this.online.get(userId);
    if (entry) return { userId, online: true, since: entry.since };
    const lastSeen = this.lastSeen.get(userId);
    return lastSeen ? { userId, online: false, lastSeen } : { userId, online: false };
  }

  activeUserIds(): UserId[] {
    return [...this.online.keys()];
  }

  get size(): number {
    return this.online.size;
  }

  /** One page of online users in id order, after `cursor` (the last id of the previous page). */
  list(cursor: UserId | undefined, limit: number): { users: OnlineUser[]; hasMore: boolean } {
    const sorted = (this.sorted ??= [...this.online.keys()].sort());
    let start = 0;
    if (cursor !== undefined) {
      // Binary search: the first id greater than the cursor.
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((sorted[mid] as string) <= cursor) lo = mid + 1;
        else hi = mid;
      }
      start = lo;
    }
    const page = sorted.slice(start, start + limit);
    const users = page.map((userId) => ({ userId, since: this.online.get(userId)?.since ?? '' }));
    return { users, hasMore: start + limit < sorted.length };
  }

  /** Clears pending grace timers (server shutdown). */
  close(): void {
    for (const entry of this.online.values()) if (entry.graceTimer) clearTimeout(entry.graceTimer);
    this.online.clear();
    this.sorted = null;
  }
}

/**
 * Per-socket watch counts: a user watched both explicitly and through a
 * joined conversation stays watched until both are released.
 */
export class WatchSet {
  private readonly counts = new Map<UserId, number>();

  constructor(private readonly socket: Socket) {}

  add(userIds: Iterable<UserId>): void {
    // A request that finished after its socket left (slow async store) must not re-add rooms.
    if (!this.socket.connected) return;
    const rooms: string[] = [];
    for (const userId of userIds) {
      const count = this.counts.get(userId) ?? 0;
      this.counts.set(userId, count + 1);
      if (count === 0) rooms.push(presenceRoom(userId));
    }
    if (rooms.length > 0) void this.socket.join(rooms);
  }

  remove(userIds: Iterable<UserId>): void {
    for (const userId of userIds) {
      const count = this.counts.get(userId);
      if (count === undefined) continue;
      if (count > 1) {
        this.counts.set(userId, count - 1);
      } else {
        this.counts.delete(userId);
        void this.socket.leave(presenceRoom(userId));
      }
    }
  }

  has(userId: UserId): boolean {
    return this.counts.has(userId);
  }

  /** Counts a watch whose room the socket is already in (a recovered session). */
  adopt(userId: UserId): void {
    this.counts.set(userId, (this.counts.get(userId) ?? 0) + 1);
  }
}
