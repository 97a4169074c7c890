/**
 * Group commit: requests that arrive while a batch is in flight wait for it
 * and then go together, as the next batch, in one statement (one round trip,
 * one commit, one fsync), each answered by its own outcome.
 *
 * - **No timer at light load.** A request that finds nothing in flight is sent
 *   at the end of the current event-loop turn (`setImmediate`, so the requests
 *   of one turn, e.g. several packets read in one go, share a batch), not
 *   after a fixed delay.
 * - **One batch in flight** (unless `maxInFlight` says more). Batches run one
 *   after another, so requests are handled in arrival order (the SQL store
 *   relies on it for a user's profile upserts; reads whose order does not
 *   matter may run several batches at once). The next batch starts at the
 *   end of the turn in which one finished, so the requests the server reads
 *   in that turn (a storm's other handshakes) join it.
 * - **Bounded.** A batch holds at most `maxCount` requests and `maxBytes`
 *   (by `sizeOf`, at least one request whatever its size); the rest wait for
 *   the next, first come first served, so a busy conversation delays others
 *   by at most one batch and never starves them.
 * - **Nothing answered early.** A request's promise settles only when its
 *   batch's `run` has resolved (for the SQL store: after the commit). When
 *   `run` rejects, every request of that batch rejects with its error.
 */

/** A request's result from a batch: its value, or the error that refused it alone. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Options of {@link Batcher}. */
export interface BatcherOptions<In> {
  /** Most requests per batch (≥ 1). */
  maxCount: number;
  /** Most bytes per batch, as `sizeOf` counts them; a single larger request still goes, alone. */
  maxBytes: number;
  /** Size of one request in bytes (for `maxBytes`); default 0. */
  sizeOf?: (input: In) => number;
  /** Batches running at once (default 1: strictly in arrival order). */
  maxInFlight?: number;
}

interface Pending<In, Out> {
  input: In;
  size: number;
  resolve(value: Out): void;
  reject(error: unknown): void;
}

/** Runs requests of type `In` in batches through `run`, which returns one outcome per input, in order. */
export class Batcher<In, Out> {
  private queue: Pending<In, Out>[] = [];
  /** Index of the oldest waiting request in `queue` (a cheap shift). */
  private head = 0;
  private inFlight = 0;
  private scheduled = false;
  private readonly sizeOf: (input: In) => number;

  constructor(
    private readonly run: (inputs: In[]) => Promise<Outcome<Out>[]>,
    private readonly options: BatcherOptions<In>,
  ) {
    if (!(options.maxCount >= 1)) throw new RangeError(`maxCount must be at least 1, got ${options.maxCount}`);
    this.sizeOf = options.sizeOf ?? (() => 0);
  }

  /** Requests waiting for a batch (not counting the one in flight). */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  /** Nothing waiting, in flight or scheduled: the batcher can be dropped. */
  get idle(): boolean {
    return this.waiting === 0 && this.inFlight === 0 && !this.scheduled;
  }

  /** Queues `input`; resolves with its value once its batch is done, rejects with its error. */
  submit(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ input, size: this.sizeOf(input), resolve, reject });
      if (this.inFlight === 0) this.scheduleNext();
    });
  }

  /**
   * Starts the next batches at the end of this event-loop turn, not now: the
   * requests whose packets the server reads in this turn (a storm's other
   * handshakes) join them.
   */
  private scheduleNext(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.next();
    });
  }

  /** Starts batches while there are requests waiting and room in flight. */
  private next(): void {
    while (this.waiting > 0 && this.inFlight < (this.options.maxInFlight ?? 1)) this.start();
  }

  private start(): void {
    const batch = this.take();
    this.inFlight++;
    let outcomes: Promise<Outcome<Out>[]>;
    try {
      outcomes = this.run(batch.map((p) => p.input));
    } catch (error) {
      outcomes = Promise.reject(error);
    }
    outcomes
      .then(
        (results) => {
          batch.forEach((pending, i) => {
            const outcome = results[i];
            if (!outcome) pending.reject(new Error(`The batch returned no outcome for request ${i + 1} of ${batch.length}`));
            else if (outcome.ok) pending.resolve(outcome.value);
            else pending.reject(outcome.error);
          });
        },
        (error: unknown) => {
          for (const pending of batch) pending.reject(error);
        },
      )
      .finally(() => {
        this.inFlight--;
        if (this.waiting > 0) this.scheduleNext();
      });
  }

  /** Removes and returns the oldest requests that fit the bounds. */
  private take(): Pending<In, Out>[] {
    const batch: Pending<In, Out>[] = [];
    let bytes = 0;
    while (this.head < this.queue.length && batch.length < this.options.maxCount) {
      const pending = this.queue[this.head] as Pending<In, Out>;
      if (batch.length > 0 && bytes + pending.size > this.options.maxBytes) break;
      bytes += pending.size;
      batch.push(pending);
      this.head++;
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return batch;
  }
}
