/** Token-bucket settings: `burst` requests at once, refilled at `perSecond`. */
export interface RateLimitOptions {
  burst: number;
  perSecond: number;
}

/** Lets an ordinary client through (the spec asks for at least 30 and 10/s). */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = { burst: 30, perSecond: 10 };

/**
 * A per-socket token bucket. `take()` returns 0 when the request may go
 * ahead, otherwise how many milliseconds until one token is back.
 * Refills lazily on each call, so an idle socket costs no timer. Time is
 * `performance.now()` (monotonic): a step of the wall clock (NTP, a VM
 * resuming) neither empties nor fills the bucket.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = options.burst;
    this.updatedAt = now();
  }

  take(): number {
    const now = this.now();
    const { burst, perSecond } = this.options;
    this.tokens = Math.min(burst, this.tokens + ((now - this.updatedAt) * perSecond) / 1000);
    this.updatedAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / perSecond));
  }
}
