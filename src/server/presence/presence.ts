import type { Server } from 'socket.io';
import { conversationRoom } from '../../protocol/index.js';
import type { OnlineUser, PresenceChange, PresenceState, UserId } from '../../protocol/index.js';
import type { SocketkitLogger } from '../logger.js';
import type { SocketkitStore } from '../store/store.js';
import type { ListenedConversations } from './listened-conversations.js';

/** Default grace before `user:offline`: long enough for a page reload, well under the protocol's 5 s. */
export const DEFAULT_PRESENCE_GRACE_MS = 2000;
/** Default `presenceBatchMs`: presence changes owed to a v1.1 socket are coalesced over this window. */
export const DEFAULT_PRESENCE_BATCH_MS = 50;

/**
 * Room of the sockets watching one user. Watching is a room, so a presence
 * change is one `io.to(room).emit`: encoded once, delivered only to
 * watchers, and Socket.IO drops the membership when a socket disconnects.
 */
export const presenceRoom = (userId: UserId): string => `presence:${userId}`;

/**
 * Room of the sockets that negotiated protocol v1.1 (`auth.protocol` ≥ '1.1'):
 * they get presence as `presence:changes` batches. (Not under `presence:`,
 * which names watched users.)
 */
export const PRESENCE_BATCH_ROOM = 'batch:presence';

/**
 * Whether a handshake's `auth.protocol` (`'major.minor'`) is 1.1 or newer:
 * the socket gets `presence:changes` batches and may name users to watch in
 * its handshake (docs/protocol.md, "Protocol v1.1").
 */
export function speaksProtocol11(auth: unknown): boolean {
  const protocol = (auth as { protocol?: unknown } | null | undefined)?.protocol;
  if (protocol === '1.1') return true;
  if (typeof protocol !== 'string') return false;
  const [major, minor] = protocol.split('.').map(Number);
  return major === 1 && minor !== undefined && minor >= 1;
}

/**
 * Where presence is decided. `PresenceTracker` counts sockets in this process
 * (one node); `socketkit/server/redis` counts them in Redis for a cluster.
 * Reads are synchronous in both: the cluster implementation answers from a
 * local replica of the cluster-wide online set, kept current by the
 * transitions Redis publishes (docs/deploy.md, "Several nodes on Redis").
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

/**
 * A presence backend that answers every read from its {@link PresenceView};
 * the subclass keeps the view current (`PresenceTracker` decides each
 * transition itself, the Redis presence replicates the cluster's).
 */
export abstract class ViewedPresence implements PresenceBackend {
  protected readonly view = new PresenceView();

  abstract connect(userId: UserId): void;
  abstract disconnect(userId: UserId): void;
  abstract close(): void | Promise<void>;

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
}

/** Options of {@link PresenceAnnouncer}. */
export interface PresenceAnnouncerOptions {
  /** Where a user's conversations are looked up (their rooms get the user's changes). */
  store: SocketkitStore;
  logger: SocketkitLogger;
  /**
   * `true` when this process's adapter sees every socket (one node): rooms
   * nobody is in are skipped, and v1.1 sockets get batches. A cluster
   * backend passes `false`: everything goes through the adapter as v1 events.
   */
  local: boolean;
  /** Window over which a v1.1 socket's changes are coalesced, ms (0: no batching). */
  batchMs: number;
  /**
   * One node: the conversations joined here, by participant. When given, a
   * change goes to the rooms found there, without a store lookup (its cost
   * no longer grows with the conversations others put the user in).
   */
  listened?: ListenedConversations;
}

/**
 * Delivers presence changes. A user's change goes, in one emit, to the
 * watchers of `presence:<user>` (explicit `presence:subscribe`) and to the
 * rooms of every conversation the user takes part in: a socket that joined
 * one watches its participants without a room per watched user, and a socket
 * in several of those rooms gets the packet once (Socket.IO sends an emit to
 * several rooms once per socket, on every node of a cluster).
 *
 * Changes of one user are delivered in order even when the store answers
 * asynchronously. Sockets of protocol v1.1 (one node only) get the changes
 * they are owed coalesced into one `presence:changes` per `batchMs`; the
 * others get today's `user:online` / `user:offline`.
 */
/** The ids of the conversations of `userId`, by the store's cheapest way (`listConversationIds` when it has one). */
function conversationIdsOf(store: SocketkitStore, userId: UserId): string[] | Promise<string[]> {
  if (store.listConversationIds) {
    return store.listConversationIds(userId);
  }
  const list = store.listConversations(userId);
  return list instanceof Promise ? list.then((l) => l.map((c) => c.id)) : list.map((c) => c.id);
}

export class PresenceAnnouncer {
  /** Per user, the tail of its changes still waiting for the store. */
  private readonly queued = new Map<UserId, Promise<void>>();
  /** v1.1 socket id → its pending changes by user (the latest wins). */
  private batches = new Map<string, Map<UserId, PresenceChange>>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** When the oldest pending change was queued (`performance.now()`, ms). */
  private windowStartedAt = 0;

  constructor(
    private readonly io: Server,
    private readonly options: PresenceAnnouncerOptions,
  ) {}

  /** Announces `change` to its user's watchers (explicit and through conversations). */
  announce(change: PresenceChange): void {
    const { userId } = change;
    const tail = this.queued.get(userId);
    if (tail) {
      this.enqueue(userId, tail.then(() => this.lookUpThenDeliver(change)));
      return;
    }
    const pending = this.lookUpThenDeliver(change);
    if (pending) this.enqueue(userId, pending);
  }

  /** Sends what is batched now and stops the timer (server shutdown). */
  close(): void {
    this.flush();
  }

  private enqueue(userId: UserId, pending: Promise<void>): void {
    const tail = pending.finally(() => {
      if (this.queued.get(userId) === tail) this.queued.delete(userId);
    });
    this.queued.set(userId, tail);
  }

  /** Delivers now when the store answers synchronously (the memory store); returns the promise otherwise. */
  private lookUpThenDeliver(change: PresenceChange): Promise<void> | undefined {
    const { listened } = this.options;
    if (listened) {
      this.deliver(change, listened.conversationsOf(change.userId));
      return undefined;
    }
    let conversationIds;
    try {
      conversationIds = conversationIdsOf(this.options.store, change.userId);
    } catch (error) {
      return this.deliverWithout(change, error);
    }
    if (!(conversationIds instanceof Promise)) {
      this.deliver(change, conversationIds);
      return undefined;
    }
    return conversationIds.then(
      (ids) => this.deliver(change, ids),
      (error: unknown) => this.deliverWithout(change, error),
    );
  }

  private deliverWithout(change: PresenceChange, error: unknown): undefined {
    this.options.logger.error(`presence: listing the conversations of ${change.userId} failed; only explicit watchers hear this change`, error);
    this.deliver(change, []);
    return undefined;
  }

  private deliver(change: PresenceChange, conversationIds: string[]): void {
    const rooms = [presenceRoom(change.userId), ...conversationIds.map(conversationRoom)];
    const { userId } = change;
    const [event, payload] = change.online
      ? (['user:online', { userId, at: change.at }] as const)
      : (['user:offline', { userId, lastSeen: change.lastSeen }] as const);
    if (!this.options.local) {
      this.io.to(rooms).emit(event, payload);
      return;
    }
    const adapterRooms = this.io.sockets.adapter.rooms;
    const watched = rooms.filter((room) => adapterRooms.has(room));
    // Nobody watching (the common case in a connect storm): skip encoding a packet for no one.
    if (watched.length === 0) return;
    const batched = this.options.batchMs > 0 ? adapterRooms.get(PRESENCE_BATCH_ROOM) : undefined;
    if (!batched) {
      this.io.to(watched).emit(event, payload);
      return;
    }
    let legacy = false;
    for (const room of watched) {
      for (const socketId of adapterRooms.get(room) ?? []) {
        if (!batched.has(socketId)) legacy = true;
        else this.queue(socketId, change);
      }
    }
    if (legacy) this.io.to(watched).except(PRESENCE_BATCH_ROOM).emit(event, payload);
  }

  private queue(socketId: string, change: PresenceChange): void {
    let batch = this.batches.get(socketId);
    if (!batch) this.batches.set(socketId, (batch = new Map()));
    // Delete first so the latest change of a user moves to the end (order of changes kept).
    batch.delete(change.userId);
    batch.set(change.userId, change);
    if (!this.flushTimer) {
      this.windowStartedAt = performance.now();
      this.flushTimer = setTimeout(() => this.flush(), this.options.batchMs);
      this.flushTimer.unref?.();
    } else if (performance.now() - this.windowStartedAt >= this.options.batchMs) {
      // The window is over but its timer has not run: in a storm, Node's poll
      // phase handles thousands of socket events before it returns to timers.
      // Sending now keeps the window's promise (and spreads the work).
      this.flush();
    }
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    // Taken first: a change queued while these are emitted starts the next window.
    const pending = this.batches;
    this.batches = new Map();
    const sockets = this.io.sockets.sockets;
    for (const [socketId, batch] of pending) {
      sockets.get(socketId)?.emit('presence:changes', { changes: [...batch.values()] });
    }
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
export class PresenceTracker extends ViewedPresence {
  private readonly entries = new Map<UserId, LocalEntry>();

  constructor(
    private readonly announcer: PresenceAnnouncer,
    private readonly graceMs: number,
  ) {
    super();
  }

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
    this.announcer.announce({ userId, online: true, at: since });
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
    this.announcer.announce({ userId, online: false, lastSeen });
  }

  close(): void {
    for (const entry of this.entries.values()) if (entry.graceTimer) clearTimeout(entry.graceTimer);
    this.entries.clear();
    this.view.clear();
    this.announcer.close();
  }
}
