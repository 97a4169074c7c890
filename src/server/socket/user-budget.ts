import type { UserId } from '../../protocol/index.js';
import { TokenBucket, type RateLimitOptions } from './rate-limit.js';

/** What one user may hold across all their sockets on one node (docs/security.md, "Limits"). */
export interface UserLimits {
  /** Sockets (tabs, devices) of one user at once. Default 32. */
  maxSocketsPerUser: number;
  /** Users watched through `presence:subscribe` (handshake included), summed over the user's sockets. Default 20,000. */
  maxWatchesPerUser: number;
  /** Requests of one user being answered at once (waiting for the store), over all their sockets. Default 64. */
  maxPendingRequestsPerUser: number;
}

/**
 * Defaults chosen to stay out of a real client's way: 32 sockets is many
 * tabs on several devices; a socket watches at most 10,000 users, two busy
 * tabs 20,000; a client waits for its acks, so 64 requests in flight is a
 * flood, not a slow link.
 */
export const DEFAULT_USER_LIMITS: Readonly<UserLimits> = {
  maxSocketsPerUser: 32,
  maxWatchesPerUser: 20_000,
  maxPendingRequestsPerUser: 64,
};

interface UserUsage {
  sockets: number;
  watches: number;
  pending: number;
}

/**
 * Counts what each user holds on this node, so one token cannot multiply the
 * per-socket limits by opening sockets (issue 24 #2: 100 sockets of one user
 * held ≈ 630 MB of watches). A user's entry goes when they hold nothing.
 */
export class UserBudgets {
  private readonly usage = new Map<UserId, UserUsage>();

  constructor(readonly limits: Readonly<UserLimits>) {}

  /** Whether `userId` may open one more socket (checked in the handshake, before any work). */
  canOpenSocket(userId: UserId): boolean {
    return (this.usage.get(userId)?.sockets ?? 0) < this.limits.maxSocketsPerUser;
  }

  /** Counts a connected socket; false (nothing counted) when the user is at the limit. */
  openSocket(userId: UserId): boolean {
    const usage = this.entry(userId);
    if (usage.sockets >= this.limits.maxSocketsPerUser) {
      this.release(userId, usage);
      return false;
    }
    usage.sockets += 1;
    return true;
  }

  /** A counted socket left, holding `watches` explicit watches. */
  closeSocket(userId: UserId, watches: number): void {
    const usage = this.usage.get(userId);
    if (!usage) return;
    usage.sockets -= 1;
    usage.watches -= watches;
    this.release(userId, usage);
  }

  /** Reserves `count` more watches for the user; false (nothing reserved) past the limit. */
  addWatches(userId: UserId, count: number): boolean {
    const usage = this.entry(userId);
    if (usage.watches + count > this.limits.maxWatchesPerUser) return false;
    usage.watches += count;
    return true;
  }

  removeWatches(userId: UserId, count: number): void {
    const usage = this.usage.get(userId);
    if (usage) usage.watches -= count;
  }

  /** Starts a request; false when the user already has `maxPendingRequestsPerUser` in flight. */
  startRequest(userId: UserId): boolean {
    const usage = this.entry(userId);
    if (usage.pending >= this.limits.maxPendingRequestsPerUser) return false;
    usage.pending += 1;
    return true;
  }

  endRequest(userId: UserId): void {
    const usage = this.usage.get(userId);
    if (!usage) return;
    usage.pending -= 1;
    this.release(userId, usage);
  }

  private entry(userId: UserId): UserUsage {
    let usage = this.usage.get(userId);
    if (!usage) this.usage.set(userId, (usage = { sockets: 0, watches: 0, pending: 0 }));
    return usage;
  }

  private release(userId: UserId, usage: UserUsage): void {
    if (usage.sockets <= 0 && usage.pending <= 0) this.usage.delete(userId);
  }
}

/**
 * A token bucket per user (`conversation:create`: default 20 at once, then
 * 60 an hour). A bucket idle long enough to be full again is dropped, so
 * the map holds only users who created something lately, and reconnecting
 * does not refill it.
 */
export class PerUserRateLimit {
  private readonly buckets = new Map<UserId, { bucket: TokenBucket; lastAt: number }>();
  /** How long an untouched bucket takes to refill completely, ms. */
  private readonly refillMs: number;

  constructor(readonly options: RateLimitOptions) {
    this.refillMs = (options.burst / options.perSecond) * 1000;
  }

  /** 0 when `userId` may go ahead, else the milliseconds until they may. */
  take(userId: UserId): number {
    const now = performance.now();
    if (this.buckets.size > 1024) this.prune(now);
    let entry = this.buckets.get(userId);
    if (!entry) this.buckets.set(userId, (entry = { bucket: new TokenBucket(this.options, () => performance.now()), lastAt: now }));
    entry.lastAt = now;
    return entry.bucket.take();
  }

  private prune(now: number): void {
    for (const [userId, entry] of this.buckets) if (now - entry.lastAt >= this.refillMs) this.buckets.delete(userId);
  }
}

/** Default `conversation:create` limit per user: 20 at once, refilled at 60 an hour. */
export const DEFAULT_CONVERSATION_CREATE_LIMIT: Readonly<RateLimitOptions> = { burst: 20, perSecond: 60 / 3600 };
