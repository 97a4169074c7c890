import type { Server, Socket } from 'socket.io';
import type { OnlineUser, PresenceState, UserId } from '../protocol/index.js';

/**
 * Room of the sockets watching one user. Watching is a room, so a presence
 * change is one `io.to(room).emit`: encoded once, delivered only to
 * watchers, and Socket.IO drops the membership when a socket disconnects.
 */
export const presenceRoom = (userId: UserId): string => `presence:${userId}`;

/**
 * Where presence is decided. `PresenceTracker` counts sockets in this process
 * (one node); `socketkit/server/redis` counts them in Redis for a cluster.
 * Reads are synchronous in both: the cluster implementation answers from a
 * local replica of the cluster-wide online set, kept current by the
 * transitions Redis publishes (docs/deploy-several-nodes.md).
 */
export interface PresenceBackend {
  /** A socket of `userId` connected on this node. Announces the user if it was offline (once per cluster). */
  connect(userId: UserId): void;
  /** A socket of `userId` went away. The last one anywhere starts the grace period (or goes offline at once). */
  disconnect(userId: UserId): void;
  isOnline(userId: UserId): boolean;
  state(userId: UserId): PresenceState;
  /** Online user ids (grace period included), in no particular order. */
  activeUserIds(): UserId[];
  /** One page of online users in id order, after `cursor` (the last id of the previous page). */
  list(cursor: UserId | undefined, limit: number): { users: OnlineUser[]; hasMore: boolean };
  readonly size: number;
  /** Stops timers (server shutdown). */
  close(): void | Promise<void>;
}

/**
 * The readable side of presence: who is online since when, and when the
 * others were last seen. Both backends keep one (the cluster's is a replica).
 */
export class PresenceView {
  readonly online = new Map<UserId, string>();
  readonly lastSeen = new Map<UserId, string>();
  /** Sorted online ids for `presence:list`, rebuilt lazily after a change. */
  private sorted: UserId[] | null = null;

  setOnline(userId: UserId, since: string): void {
    if (!this.online.has(userId)) this.sorted = null;
    this.online.set(userId, since);
  }

  setOffline(userId: UserId, lastSeen: string): void {
    if (this.online.delete(userId)) this.sorted = null;
    this.lastSeen.set(userId, lastSeen);
  }

  clear(): void {
    this.online.clear();
    this.lastSeen.clear();
    this.sorted = null;
  }

  isOnline(userId: UserId): boolean {
    return this.online.has(userId);
  }

  state(userId: UserId): PresenceState {
    const since = this.online.get(userId);
    if (since !== undefined) return { userId, online: true, since };
    const lastSeen = this.lastSeen.get(userId);
    return lastSeen ? { userId, online: false, lastSeen } : { userId, online: false };
  }

  activeUserIds(): UserId[] {
    return [...this.online.keys()];
  }

  get size(): number {
    return this.online.size;
  }

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
    const users = page.map((userId) => ({ userId, since: this.online.get(userId) ?? '' }));
    return { users, hasMore: start + limit < sorted.length };
  }
}

interface LocalEntry {
  sockets: number;
  /** Pending `user:offline` while the grace period runs. */
  graceTimer: ReturnType<typeof setTimeout> | null;
}

/**
 * Presence of one process: who is online, counted in sockets so several
 * tabs keep a user online until the last one goes. Connect and disconnect
 * are O(1) plus one emit to the user's watchers.
 */
export class PresenceTracker implements PresenceBackend {
  private readonly entries = new Map<UserId, LocalEntry>();
  private readonly view = new PresenceView();

  constructor(
    private readonly io: Server,
    private readonly graceMs: number,
  ) {}

  connect(userId: UserId): void {
    const entry = this.entries.get(userId);
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
    this.entries.set(userId, { sockets: 1, graceTimer: null });
    this.view.setOnline(userId, since);
    this.announce(userId, 'user:online', { userId, at: since });
  }

  disconnect(userId: UserId): void {
    const entry = this.entries.get(userId);
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
    const entry = this.entries.get(userId);
    if (!entry || entry.sockets > 0) return;
    this.entries.delete(userId);
    const lastSeen = new Date().toISOString();
    this.view.setOffline(userId, lastSeen);
    this.announce(userId, 'user:offline', { userId, lastSeen });
  }

  private announce(userId: UserId, event: 'user:online' | 'user:offline', payload: object): void {
    const room = presenceRoom(userId);
    // Nobody watching (the common case in a connect storm): skip encoding a packet for no one.
    if (!this.io.sockets.adapter.rooms.has(room)) return;
    this.io.to(room).emit(event, payload);
  }

  isOnline(userId: UserId): boolean {
    return this.view.isOnline(userId);
  }

  state(userId: UserId): PresenceState {
    return this.view.state(userId);
  }

  activeUserIds(): UserId[] {
    return this.view.activeUserIds();
  }

  get size(): number {
    return this.view.size;
  }

  list(cursor: UserId | undefined, limit: number): { users: OnlineUser[]; hasMore: boolean } {
    return this.view.list(cursor, limit);
  }

  close(): void {
    for (const entry of this.entries.values()) if (entry.graceTimer) clearTimeout(entry.graceTimer);
    this.entries.clear();
    this.view.clear();
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
