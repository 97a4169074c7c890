/**
 * Token expiries of every socket of one server on one timer. Sockets are kept
 * in buckets by the second their token expires in (a JWT `exp` is whole
 * seconds), and one timer, armed only while some socket is waiting, wakes at
 * each second boundary and expires that second's bucket. A timer per socket
 * would cost each socket a `Timeout`, its closures and (for a delay of its
 * own) a Node timer list: ≈ 0.3 KB of heap per connection. Times are on the
 * monotonic clock (`performance.now()`), so a step of the wall clock moves no expiry.
 */
export class TokenExpiries<T> {
  /** Second (ms / 1000, rounded up) → the items expiring in it. */
  private readonly buckets = new Map<number, Set<T>>();
  /** Every second up to this one has been expired. */
  private doneUpTo = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  /** @param expire called once per item, at or after its expiry (never before). */
  constructor(private readonly expire: (item: T) => void) {}

  /** Registers `item` to expire at `expiresAt` (ms on the monotonic clock, `performance.now()`). */
  add(item: T, expiresAt: number): void {
    // Idle (no timer): nothing is pending, so every second until now is done.
    if (this.buckets.size === 0) this.doneUpTo = Math.floor(performance.now() / 1000);
    const second = Math.ceil(expiresAt / 1000);
    if (second <= this.doneUpTo) {
      // Already due: after the caller's current work (the socket's set-up), as a timer would.
      setImmediate(() => this.expire(item));
      return;
    }
    let bucket = this.buckets.get(second);
    if (!bucket) this.buckets.set(second, (bucket = new Set()));
    bucket.add(item);
    this.arm();
  }

  /** Forgets `item` (its socket left), registered with `expiresAt`. */
  remove(item: T, expiresAt: number): void {
    const key = Math.ceil(expiresAt / 1000);
    const bucket = this.buckets.get(key);
    if (!bucket?.delete(item) || bucket.size > 0) return;
    this.buckets.delete(key);
    if (this.buckets.size === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  /** Stops the timer (server shutdown). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.buckets.clear();
  }

  private arm(): void {
    if (this.timer) return;
    // Just past the next second boundary.
    this.timer = setTimeout(() => this.tick(), 1001 - (performance.now() % 1000));
    this.timer.unref?.();
  }

  private tick(): void {
    this.timer = null;
    const now = Math.floor(performance.now() / 1000);
    for (let second = this.doneUpTo + 1; second <= now; second++) {
      const bucket = this.buckets.get(second);
      if (!bucket) continue;
      this.buckets.delete(second);
      for (const item of bucket) this.expire(item);
    }
    this.doneUpTo = Math.max(this.doneUpTo, now);
    if (this.buckets.size > 0) this.arm();
  }
}
