/**
 * How the SQL store appends sends (group commit across conversations): the
 * sends of every conversation that arrive while batches are in flight go
 * together in the next batch, one statement, one commit, one flush, each send
 * answered after that commit by its own outcome.
 *
 * - **Order.** A conversation is in at most one batch in flight; its sends
 *   are taken oldest first, so seq follows arrival order on this node.
 * - **No timer at light load.** A send that finds room in flight is sent at
 *   the end of the current event-loop turn (`setImmediate`, so the sends read
 *   in one turn share a batch), never after a fixed delay.
 * - **Bounded and fair.** A batch holds at most `MAX_BATCH_MESSAGES` sends
 *   and `MAX_BATCH_BYTES` of content; conversations are taken in the order
 *   they became ready, and a conversation with more than fits goes on behind
 *   the others, so one busy conversation cannot starve another.
 * - **One batch in flight while that is fastest, more when it is not.** The
 *   sends that arrive while a batch runs wait for it and go together as the
 *   next one, so a busy database gets few, large statements (one commit and
 *   one flush for all of them: the fewest per send). Another batch starts
 *   alongside, on its own pooled connection, up to `maxInFlight`, only when
 *   waiting cannot help: a full batch is ready (`MAX_BATCH_MESSAGES` sends or
 *   `MAX_BATCH_BYTES`), or every batch in flight has run for `slowBatchMs`
 *   (`SLOW_BATCH_MS` by default: a slow or distant database, a connection
 *   that hangs), so a batch that hangs holds up only the conversations in it.
 * - **A locked conversation holds up only itself.** A shared batch never
 *   waits for a row lock: its statement skips a conversation whose row
 *   another transaction holds (`SKIP LOCKED`) and leaves that conversation's
 *   sends untouched (`BUSY`). They go again, alone, in a statement that
 *   waits for the lock up to the connection's `lock_timeout`; the
 *   conversation stays in flight meanwhile, so its later sends stay behind.
 *   At most `maxWaiting` such statements run at once (the others queue, in
 *   order), so many locked conversations cannot take the whole pool.
 * - **Recovery.** After a shared batch fails for a reason other than its
 *   data (a lost connection, a timeout), each conversation goes in a batch
 *   of its own, all at once, until a batch started after the failure goes
 *   through with none of the failed epoch still in flight. A database that
 *   vanished without closing its connections leaves the pool holding dead
 *   ones that each hang until `query_timeout`; many small batches at once
 *   find them together instead of one after another (issue 19, kind 2).
 */
import type { AppendMessageInput, AppendMessageResult } from '../store/store.js';
import type { Outcome } from './batcher.js';
import type { SqlExecutor } from './database.js';
import { appendMessages, BUSY, MAX_BATCH_BYTES, MAX_BATCH_MESSAGES, messageBytes } from './messages.js';

interface PendingSend {
  input: AppendMessageInput;
  bytes: number;
  resolve(result: AppendMessageResult): void;
  reject(error: unknown): void;
}

interface ConversationSends {
  id: string;
  /** Sends not yet in a batch, oldest first (from `head`). */
  pending: PendingSend[];
  head: number;
  /** In a batch in flight (shared or its own): its next sends wait. */
  inFlight: boolean;
  /** In the ready list. */
  listed: boolean;
}

/**
 * How long a batch runs before another may start beside it with fewer than
 * a full batch of sends (ms, on the monotonic clock): the default of
 * `AppendBatchesOptions.slowBatchMs`. A batch on a local PostgreSQL is
 * answered in 5–11 ms at saturation on the bench's machine (median to 90th
 * percentile, timed in the server: docs/performance.md, "Fourth pass"), so
 * at 50 ms it is slow or stuck, and the sends behind it go on another
 * connection.
 */
export const SLOW_BATCH_MS = 50;

/** Options of {@link appendBatches}; each at least 1. */
export interface AppendBatchesOptions {
  /**
   * Most shared batches in flight at once; 1 for a database with one
   * connection (PGlite). More than one run only when a full batch is ready or
   * the ones in flight are slow (see the header).
   */
  maxInFlight: number;
  /** Batches in flight at once while recovering, one conversation each. */
  maxInFlightRecovering: number;
  /** Statements waiting for a locked conversation's row at once. */
  maxWaiting: number;
  /** How long a batch runs before another may start beside it with less than a full batch (ms); default `SLOW_BATCH_MS`. */
  slowBatchMs?: number;
}

/** The bounds for a database of `connections` connections: room is left for reads and `/ready`'s ping. */
export function appendBatchBounds(connections: number): AppendBatchesOptions {
  const maxInFlight = Math.max(1, Math.min(4, connections - 1));
  return { maxInFlight, maxInFlightRecovering: Math.max(1, connections - 1), maxWaiting: Math.max(1, connections - maxInFlight - 1) };
}

/** `append(input)` over `db`: resolves after the commit that stored the message (or found it stored). */
export function appendBatches(db: SqlExecutor, options: AppendBatchesOptions): (input: AppendMessageInput) => Promise<AppendMessageResult> {
  for (const name of ['maxInFlight', 'maxInFlightRecovering', 'maxWaiting'] as const) {
    if (!(options[name] >= 1)) throw new RangeError(`${name} must be at least 1, got ${options[name]}`);
  }
  if (options.slowBatchMs !== undefined && !(options.slowBatchMs >= 0)) throw new RangeError(`slowBatchMs must be at least 0, got ${options.slowBatchMs}`);
  const slowBatchMs = options.slowBatchMs ?? SLOW_BATCH_MS;
  const conversations = new Map<string, ConversationSends>();
  /** Conversations with pending sends and none in flight, in the order they became ready. */
  let ready: ConversationSends[] = [];
  let readyHead = 0;
  /** When each shared batch in flight started (`performance.now()`), oldest first: one entry per batch in flight. */
  const startedAt: number[] = [];
  /** A pump armed for when the youngest batch in flight turns slow. */
  let slowTimer: ReturnType<typeof setTimeout> | undefined;
  let scheduled = false;
  /** Bumped by every failed shared batch; a batch remembers the epoch it started in. */
  let epoch = 0;
  let recovering = false;
  /** Batches in flight per epoch they started in (recovery ends when none of an older epoch is left). */
  const inFlightByEpoch = new Map<number, number>();
  /** Locked conversations whose sends wait for a statement of their own, oldest first. */
  const waiting: { conversation: ConversationSends; sends: PendingSend[] }[] = [];
  let waitingInFlight = 0;

  const list = (conversation: ConversationSends) => {
    if (conversation.listed || conversation.inFlight || conversation.head === conversation.pending.length) return;
    conversation.listed = true;
    ready.push(conversation);
  };

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      pump();
    });
  };

  /** Takes the oldest pending sends of `conversation` that fit in `room` sends and `bytes`. */
  const take = (conversation: ConversationSends, batch: PendingSend[], room: number, bytes: { used: number }) => {
    const { pending } = conversation;
    let taken = 0;
    while (conversation.head < pending.length && taken < room) {
      const send = pending[conversation.head] as PendingSend;
      if (batch.length > 0 && bytes.used + send.bytes > MAX_BATCH_BYTES) break;
      bytes.used += send.bytes;
      batch.push(send);
      conversation.head++;
      taken++;
    }
    if (conversation.head === pending.length) {
      conversation.pending = [];
      conversation.head = 0;
    } else if (conversation.head > 1024 && conversation.head * 2 > pending.length) {
      conversation.pending = pending.slice(conversation.head);
      conversation.head = 0;
    }
  };

  /** Whether the ready conversations hold a full batch: `MAX_BATCH_MESSAGES` sends or `MAX_BATCH_BYTES`. */
  const fullBatchReady = (): boolean => {
    let count = 0;
    let bytes = 0;
    for (let i = readyHead; i < ready.length; i++) {
      const { pending, head } = ready[i] as ConversationSends;
      for (let j = head; j < pending.length; j++) {
        count++;
        bytes += (pending[j] as PendingSend).bytes;
        if (count >= MAX_BATCH_MESSAGES || bytes >= MAX_BATCH_BYTES) return true;
      }
    }
    return false;
  };

  /** Whether another shared batch may start beside those in flight (see the header). */
  const mayStartAnother = (): boolean => {
    if (startedAt.length === 0 || recovering) return true;
    const youngest = startedAt[startedAt.length - 1] as number;
    const slowIn = youngest + slowBatchMs - performance.now();
    if (slowIn <= 0 || fullBatchReady()) return true;
    if (slowTimer === undefined) {
      slowTimer = setTimeout(() => {
        slowTimer = undefined;
        pump();
      }, slowIn);
      slowTimer.unref?.();
    }
    return false;
  };

  const pump = () => {
    const limit = recovering ? options.maxInFlightRecovering : options.maxInFlight;
    while (readyHead < ready.length && startedAt.length < limit && mayStartAnother()) {
      const batch: PendingSend[] = [];
      const members: ConversationSends[] = [];
      const bytes = { used: 0 };
      while (readyHead < ready.length && batch.length < MAX_BATCH_MESSAGES && bytes.used < MAX_BATCH_BYTES) {
        const conversation = ready[readyHead] as ConversationSends;
        const before = batch.length;
        take(conversation, batch, MAX_BATCH_MESSAGES - batch.length, bytes);
        if (batch.length === before) break; // Its oldest send does not fit: it leads the next batch.
        readyHead++;
        conversation.listed = false;
        conversation.inFlight = true;
        members.push(conversation);
        if (recovering) break;
      }
      if (readyHead === ready.length) {
        ready = [];
        readyHead = 0;
      } else if (readyHead > 1024 && readyHead * 2 > ready.length) {
        ready = ready.slice(readyHead);
        readyHead = 0;
      }
      start(batch, members);
    }
  };

  const settle = (send: PendingSend, outcome: Outcome<AppendMessageResult> | undefined) => {
    if (!outcome) send.reject(new Error(`The batch returned no outcome for the send to ${send.input.conversationId}`));
    else if (outcome.ok) send.resolve(outcome.value);
    else send.reject(outcome.error);
  };

  /** The conversation's batch is done: its next sends may go; an idle conversation is forgotten. */
  const release = (conversation: ConversationSends) => {
    conversation.inFlight = false;
    if (conversation.head < conversation.pending.length) list(conversation);
    else if (conversations.get(conversation.id) === conversation) conversations.delete(conversation.id);
  };

  /** Starts the statements of locked conversations, alone, waiting for the lock, up to `maxWaiting` at once. */
  const drainWaiting = () => {
    while (waitingInFlight < options.maxWaiting && waiting.length > 0) {
      const { conversation, sends } = waiting.shift()!;
      waitingInFlight++;
      appendWaiting(conversation, sends);
    }
  };

  const appendWaiting = (conversation: ConversationSends, sends: PendingSend[]) => {
    appendMessages(db, sends.map((send) => send.input), true)
      .then(
        (outcomes) =>
          sends.forEach((send, i) => {
            const outcome = outcomes[i];
            settle(send, outcome?.ok && outcome.value === BUSY ? { ok: false, error: new Error(`Conversation ${conversation.id} stayed locked`) } : (outcome as Outcome<AppendMessageResult>));
          }),
        (error: unknown) => sends.forEach((send) => send.reject(error)),
      )
      .finally(() => {
        waitingInFlight--;
        release(conversation);
        drainWaiting();
        schedule();
      });
  };

  const start = (batch: PendingSend[], members: ConversationSends[]) => {
    const started = performance.now();
    startedAt.push(started);
    const startedIn = epoch;
    inFlightByEpoch.set(startedIn, (inFlightByEpoch.get(startedIn) ?? 0) + 1);
    let failed = false;
    let outcomes: Promise<Outcome<AppendMessageResult | typeof BUSY>[]>;
    try {
      outcomes = appendMessages(db, batch.map((send) => send.input), false);
    } catch (error) {
      outcomes = Promise.reject(error);
    }
    outcomes
      .then(
        (results) => {
          const busy = new Map<string, PendingSend[]>();
          batch.forEach((send, i) => {
            const result = results[i];
            if (result?.ok && result.value === BUSY) {
              const sends = busy.get(send.input.conversationId);
              if (sends) sends.push(send);
              else busy.set(send.input.conversationId, [send]);
            } else settle(send, result as Outcome<AppendMessageResult> | undefined);
          });
          for (const conversation of members) {
            const sends = busy.get(conversation.id);
            if (sends) waiting.push({ conversation, sends });
            else release(conversation);
          }
          drainWaiting();
        },
        (error: unknown) => {
          failed = true;
          for (const send of batch) send.reject(error);
          for (const conversation of members) release(conversation);
        },
      )
      .finally(() => {
        startedAt.splice(startedAt.indexOf(started), 1);
        const left = (inFlightByEpoch.get(startedIn) ?? 1) - 1;
        if (left === 0) inFlightByEpoch.delete(startedIn);
        else inFlightByEpoch.set(startedIn, left);
        if (failed) {
          // A late failure of an older epoch's batch adds nothing: the exit already waits for those.
          if (startedIn === epoch) epoch++;
          recovering = true;
        } else if (recovering && startedIn === epoch && ![...inFlightByEpoch.keys()].some((older) => older < epoch)) {
          recovering = false;
        }
        pump();
      });
  };

  return (input) =>
    new Promise<AppendMessageResult>((resolve, reject) => {
      const bytes = messageBytes(input);
      let conversation = conversations.get(input.conversationId);
      if (!conversation) {
        conversation = { id: input.conversationId, pending: [], head: 0, inFlight: false, listed: false };
        conversations.set(input.conversationId, conversation);
      }
      conversation.pending.push({ input, bytes, resolve, reject });
      list(conversation);
      schedule();
    });
}
