import { createHash } from 'node:crypto';
import type { Server } from 'socket.io';
import type { UserId } from '../../protocol/index.js';
import type { SocketkitLogger } from '../logger.js';
import { TimeoutError, withTimeout } from '../timeout.js';
import type { SocketkitStore } from '../store/store.js';
import { PresenceAnnouncer, ViewedPresence } from '../presence/presence.js';
import { CONNECT, DISCONNECT, LEAVE, RECONCILE, REGISTER, SNAPSHOT, SWEEP } from './scripts.js';

/** Options of `evalSha`/`eval` in node-redis 5. */
interface EvalOptions {
  keys?: string[];
  arguments?: string[];
}

/** The parts of a node-redis 5 client the presence uses (a `createClient()` result fits). */
export interface RedisCommandClient {
  readonly isReady: boolean;
  eval(script: string, options?: EvalOptions): Promise<unknown>;
  evalSha(sha1: string, options?: EvalOptions): Promise<unknown>;
  ping(): Promise<unknown>;
}

/** A connected node-redis client in subscriber mode (a `duplicate()` of the main client). */
export interface RedisSubscriber {
  on(event: 'ready' | 'error', listener: (...args: unknown[]) => void): unknown;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  destroy(): void;
}

/** Timing of the cluster's presence, ms. */
export interface RedisPresenceTiming {
  /** How often a node renews its heartbeat and sweeps. Default 2000. */
  heartbeatMs: number;
  /** A node whose heartbeat is this old is dead; its users are released. Default 8000. */
  nodeTimeoutMs: number;
}

export interface RedisPresenceOptions extends RedisPresenceTiming {
  client: RedisCommandClient;
  /** Opens the subscriber connection for the replica. */
  subscriber: () => Promise<RedisSubscriber>;
  nodeId: string;
  keyPrefix: string;
  graceMs: number;
  logger: SocketkitLogger;
  /** Where a user's conversations are looked up: their rooms get the user's changes. */
  store: SocketkitStore;
}

/** A grace period that ends this close to its deadline counts as ended (timers and clocks differ). */
const GRACE_TOLERANCE_MS = 100;
/** How long `close()` waits for Redis before giving up on a clean leave. */
const LEAVE_TIMEOUT_MS = 2000;
/** Most users named in one RECONCILE call. */
const RECONCILE_SLICE = 1000;

interface PresenceEvent {
  v: number;
  t: 'on' | 'off';
  u: UserId;
  at: string;
}

const sha1 = (script: string) => createHash('sha1').update(script).digest('hex');

/**
 * Cluster-wide presence in Redis (see scripts.ts for the keys). Every
 * decision (first socket anywhere, last socket anywhere, grace end, dead
 * node) is one Lua script, so exactly one node gets each transition back
 * and announces it to the user's watchers through the adapter.
 *
 * Reads (`isOnline`, `state`, `list`, `activeUserIds`) stay synchronous:
 * they answer from a replica of the online set, loaded once and then kept
 * current by the transitions every script publishes (each with a version,
 * so a late message never undoes a newer one, and a reload of the replica
 * never undoes a transition heard before the reload's snapshot arrived).
 */
export class RedisPresence extends ViewedPresence {
  /** This node's sockets per user: the truth this node re-registers after Redis lost it. */
  private readonly local = new Map<UserId, number>();
  /** Version of the newest transition applied per user; the snapshot's version below that. */
  private readonly versions = new Map<UserId, number>();
  private floor = 0;
  /** Snapshots requested and not yet answered (reloads can overlap: a reconnection and a heartbeat). */
  private snapshotsInFlight = 0;
  /**
   * Every transition heard while a snapshot is in flight, in the order heard.
   * Its reply comes on the command connection, the events on the
   * subscriber's: a transition newer than the snapshot can be heard before
   * the reply. The reload applies them again over the snapshot (those not
   * newer than it are skipped), so it never rolls a transition back.
   */
  private heardInFlight: PresenceEvent[] = [];
  private readonly shas = new Map<string, string>();
  private readonly started: Promise<void>;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private readonly graceTimers = new Set<ReturnType<typeof setTimeout>>();
  private subscriber: RedisSubscriber | null = null;
  private needsResync = false;
  private closed = false;
  /**
   * Users this node's watchers were told are online that Redis no longer
   * vouches for: a reload of the replica found them neither online nor
   * announced offline since (Redis lost its data while they were online or
   * in grace). Kept until Redis says what became of them (`reconcileLater`);
   * any transition of the user published meanwhile settles it.
   */
  private readonly unconfirmed = new Set<UserId>();
  private reconcileTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly announcer: PresenceAnnouncer;

  constructor(
    io: Server,
    private readonly options: RedisPresenceOptions,
  ) {
    super();
    // Through the adapter, as v1 events: the node that decides a transition tells every node's watchers.
    this.announcer = new PresenceAnnouncer(io, { store: options.store, logger: options.logger, local: false, batchMs: 0 });
    // Registering first clears whatever a dead node of the same id left.
    const registered = this.register();
    this.started = registered.then(
      () => undefined,
      (error: unknown) => {
        this.needsResync = true;
        options.logger.error('presence: registering this node in Redis failed; retrying with the heartbeat', error);
      },
    );
    void this.startReplica();
    this.heartbeat = setInterval(() => void this.sweep(), options.heartbeatMs);
    this.heartbeat.unref?.();
  }

  /** Resolves once this node is registered (or registering failed and the heartbeat retries). */
  whenStarted(): Promise<void> {
    return this.started;
  }

  connect(userId: UserId): void {
    if (this.closed) return;
    this.local.set(userId, (this.local.get(userId) ?? 0) + 1);
    void this.started
      .then(() => this.run(CONNECT, [this.options.nodeId, userId, new Date().toISOString()]))
      .then((result) => {
        const [version, at] = result as [number, string];
        if (version === 0) return;
        this.apply({ v: version, t: 'on', u: userId, at });
        this.announcer.announce({ userId, online: true, at });
      })
      .catch((error: unknown) => this.failed(`connect ${userId}`, error));
  }

  disconnect(userId: UserId): void {
    if (this.closed) return;
    const count = (this.local.get(userId) ?? 0) - 1;
    if (count > 0) this.local.set(userId, count);
    else this.local.delete(userId);
    void this.started
      .then(() =>
        this.run(DISCONNECT, [this.options.nodeId, userId, new Date().toISOString(), String(this.options.graceMs)]),
      )
      .then((result) => {
        const [outcome, version, at] = result as [string, number, string];
        if (outcome === 'off') this.announceOffline(userId, at, version);
        else if (outcome === 'grace') this.armGraceEnd();
      })
      .catch((error: unknown) => this.failed(`disconnect ${userId}`, error));
  }

  /**
   * Leaves the cluster: this node's users are released (grace, then offline,
   * unless connected elsewhere) and its heartbeat stops. Gives up on Redis
   * after 2 s; the survivors' sweep then does the same.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.reconcileTimer) clearTimeout(this.reconcileTimer);
    this.reconcileTimer = null;
    for (const timer of this.graceTimers) clearTimeout(timer);
    this.graceTimers.clear();
    const at = new Date().toISOString();
    try {
      if (this.options.client.isReady) {
        const leave = this.run(LEAVE, [this.options.nodeId, at, String(this.options.graceMs)]);
        // No answer in time: the other nodes sweep this node instead.
        const gone = (await withTimeout(leave, LEAVE_TIMEOUT_MS).catch((error: unknown) => {
          if (error instanceof TimeoutError) return undefined;
          throw error;
        })) as UserId[] | undefined;
        for (const userId of gone ?? []) this.announceOffline(userId, at);
      }
    } catch (error) {
      this.options.logger.warn(`presence: leaving the cluster cleanly failed (${String(error)}); the other nodes will sweep this node`);
    }
    this.local.clear();
    this.subscriber?.destroy();
    this.subscriber = null;
  }

  /** Runs a script by SHA, sending its text once when Redis does not know it (first use, or after a restart). */
  private async run(script: string, args: string[]): Promise<unknown> {
    let sha = this.shas.get(script);
    if (!sha) this.shas.set(script, (sha = sha1(script)));
    const options = { keys: [], arguments: [this.options.keyPrefix, ...args] };
    try {
      return await this.options.client.evalSha(sha, options);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.options.client.eval(script, options);
    }
  }

  private register(): Promise<unknown> {
    const pairs: string[] = [];
    for (const [userId, count] of this.local) pairs.push(userId, String(count));
    const at = new Date().toISOString();
    return this.run(REGISTER, [
      this.options.nodeId,
      at,
      String(this.options.graceMs),
      String(this.options.nodeTimeoutMs),
      ...pairs,
    ]).then((result) => {
      const [gone, came] = result as [UserId[], UserId[]];
      for (const userId of gone) this.announceOffline(userId, at);
      for (const userId of came) this.announcer.announce({ userId, online: true, at });
    });
  }

  /** Heartbeat + sweep; re-registers when this node had been swept, Redis lost its data, or a command failed. */
  private async sweep(): Promise<void> {
    if (this.closed) return;
    const { nodeId, graceMs, nodeTimeoutMs } = this.options;
    const at = new Date().toISOString();
    try {
      const result = (await this.run(SWEEP, [
        nodeId,
        at,
        String(graceMs),
        String(nodeTimeoutMs),
        String(GRACE_TOLERANCE_MS),
      ])) as [number, ...UserId[]];
      const [rejoined, ...gone] = result;
      for (const userId of gone) this.announceOffline(userId, at);
      if (rejoined === 1 || this.needsResync) {
        this.needsResync = false;
        this.options.logger.warn(`presence: node ${nodeId} re-registers its ${this.local.size} users in Redis`);
        await this.register();
        // Users the reload finds lost are remembered (loadSnapshot) and reconciled later.
        await this.loadSnapshot();
      }
    } catch (error) {
      this.failed('heartbeat', error);
    }
  }

  /**
   * Announces offline, once, the users of `unconfirmed` that no node holds:
   * those who left (or whose grace ended) while Redis was away or after it
   * lost its data. Runs two heartbeats and the grace period after the
   * reload of the replica that found them lost: by then every live node has reconnected (the
   * command line's client retries at least every 2 s, the default
   * heartbeat) and re-registered the users it holds on its next heartbeat.
   * A node slower than that brings its users back online when it registers
   * (watchers see them leave and come back), never leaves them stale. A
   * pending timer is kept, not re-armed: reloads on every heartbeat (a
   * command failing each time) must not put the reconciliation off forever.
   */
  private reconcileLater(): void {
    if (this.reconcileTimer || this.unconfirmed.size === 0 || this.closed) return;
    const { heartbeatMs, graceMs } = this.options;
    this.reconcileTimer = setTimeout(() => {
      this.reconcileTimer = null;
      void this.reconcile().catch((error: unknown) => this.failed('announcing who left while Redis was away', error));
    }, 2 * heartbeatMs + graceMs + GRACE_TOLERANCE_MS);
    this.reconcileTimer.unref?.();
  }

  /** Asks Redis (RECONCILE) about the unconfirmed users, in slices: a script's arguments are bounded. */
  private async reconcile(): Promise<void> {
    const pending = [...this.unconfirmed];
    for (let i = 0; i < pending.length && !this.closed; i += RECONCILE_SLICE) {
      const slice = pending.slice(i, i + RECONCILE_SLICE);
      const at = new Date().toISOString();
      const gone = (await this.run(RECONCILE, [at, ...slice])) as (UserId | number)[];
      // Settled whatever the answer: held (online or in grace), announced offline by someone since, or by us now.
      for (const userId of slice) this.unconfirmed.delete(userId);
      for (let j = 0; j + 1 < gone.length; j += 2) this.announceOffline(gone[j] as UserId, at, Number(gone[j + 1]));
    }
  }

  private armGraceEnd(): void {
    const timer = setTimeout(() => {
      this.graceTimers.delete(timer);
      void this.sweep();
    }, this.options.graceMs);
    timer.unref?.();
    this.graceTimers.add(timer);
  }

  private announceOffline(userId: UserId, lastSeen: string, version?: number): void {
    if (version !== undefined) this.apply({ v: version, t: 'off', u: userId, at: lastSeen });
    this.announcer.announce({ userId, online: false, lastSeen });
  }

  private failed(what: string, error: unknown): void {
    if (this.closed) return;
    this.needsResync = true;
    this.options.logger.warn(`presence: ${what} failed in Redis (${error instanceof Error ? error.message : String(error)}); the heartbeat re-registers this node`);
  }

  private async startReplica(): Promise<void> {
    try {
      const subscriber = await this.options.subscriber();
      if (this.closed) {
        subscriber.destroy();
        return;
      }
      this.subscriber = subscriber;
      let first = true;
      // After a reconnection messages may have been missed: reload.
      subscriber.on('ready', () => {
        if (first) return;
        void this.loadSnapshot().catch((error: unknown) => this.failed('reloading the presence snapshot', error));
      });
      await subscriber.subscribe(`${this.options.keyPrefix}events`, (message) => this.onMessage(message));
      first = false;
      await this.loadSnapshot();
    } catch (error) {
      this.failed('starting the presence replica', error);
    }
  }

  /**
   * Reloads the replica from Redis: the snapshot, then the transitions heard
   * since it was requested that are newer than it (`heardInFlight`).
   */
  private async loadSnapshot(): Promise<void> {
    this.snapshotsInFlight += 1;
    try {
      const [version, online, lastSeen] = (await this.run(SNAPSHOT, [])) as [number, string[], string[]];
      this.reload(version, online, lastSeen);
    } finally {
      this.snapshotsInFlight -= 1;
      if (this.snapshotsInFlight === 0) this.heardInFlight = [];
    }
  }

  private reload(version: number, online: string[], lastSeen: string[]): void {
    // Who this node's watchers were told is online, before the reload forgets it.
    const believedOnline = this.view.activeUserIds();
    this.view.clear();
    this.versions.clear();
    this.floor = version;
    for (let i = 0; i + 1 < lastSeen.length; i += 2) this.view.setOffline(lastSeen[i] as string, lastSeen[i + 1] as string);
    for (let i = 0; i + 1 < online.length; i += 2) this.view.setOnline(online[i] as string, online[i + 1] as string);
    // Online before, and Redis knows them neither as online nor as announced offline: it lost them.
    for (const userId of believedOnline) {
      if (!this.view.online.has(userId) && !this.view.lastSeen.has(userId)) this.unconfirmed.add(userId);
    }
    for (const userId of this.unconfirmed) {
      if (this.view.online.has(userId) || this.view.lastSeen.has(userId)) this.unconfirmed.delete(userId);
    }
    // Newer than the snapshot: applied again (and settle the user, as when first heard). Older: skipped.
    for (const event of this.heardInFlight) this.applyIfNewer(event);
    this.reconcileLater();
  }

  private onMessage(message: string): void {
    try {
      this.apply(JSON.parse(message) as PresenceEvent);
    } catch (error) {
      this.options.logger.warn(`presence: unreadable event ${message.slice(0, 200)}: ${String(error)}`);
    }
  }

  /** Applies a transition heard (published or returned by a script) unless a newer one for that user was applied already. */
  private apply(event: PresenceEvent): void {
    // Kept even when older than the current replica: after Redis lost its data the versions start again from 1.
    if (this.snapshotsInFlight > 0) this.heardInFlight.push(event);
    this.applyIfNewer(event);
  }

  private applyIfNewer(event: PresenceEvent): void {
    if (event.v <= this.floor || event.v <= (this.versions.get(event.u) ?? 0)) return;
    this.versions.set(event.u, event.v);
    // Announced either way: the watchers know.
    this.unconfirmed.delete(event.u);
    if (event.t === 'on') this.view.setOnline(event.u, event.at);
    else this.view.setOffline(event.u, event.at);
  }
}
