/**
 * How the SQL store appends sends: one shared batch for every conversation
 * (one statement, one commit, one flush for all the sends of the moment),
 * and a lane of its own for a conversation whose row another transaction
 * holds, so that one locked conversation never holds up the others (issue 19,
 * kind 3) and batching still spans conversations (issue 22).
 *
 * - The shared batcher has one batch in flight and never waits for a row
 *   lock: its statement skips a locked conversation (`SKIP LOCKED`) and
 *   answers that conversation's inputs `BUSY`, untouched.
 * - A `BUSY` input goes to its conversation's lane, a batcher of its own
 *   (one batch in flight) whose statement waits for the lock, up to the
 *   connection's `lock_timeout`; it holds one pooled connection at most.
 * - Order on this node: while a conversation has a lane, its sends that come
 *   out of the shared queue go to the lane too, behind the ones already
 *   there, and the decision is made when a shared batch starts (in arrival
 *   order), never when a send is submitted. Each send's promise follows the
 *   lane's answer. A lane that has nothing left is dropped.
 */
import type { AppendMessageInput, AppendMessageResult } from '../store/store.js';
import { Batcher, type Outcome } from './batcher.js';
import type { SqlExecutor } from './database.js';
import { appendMessages, BUSY, MAX_BATCH_BYTES, MAX_BATCH_MESSAGES, messageBytes } from './messages.js';

/** A send's answer, or the promise of its lane's answer (a batcher's outcome may settle later). */
type Answer = AppendMessageResult | Promise<AppendMessageResult>;

const BOUNDS = { maxCount: MAX_BATCH_MESSAGES, maxBytes: MAX_BATCH_BYTES, sizeOf: messageBytes };

/** `append(input)` for the SQL store over `db`: resolves after the commit that stored it (or found it stored). */
export function appendLanes(db: SqlExecutor): (input: AppendMessageInput) => Promise<AppendMessageResult> {
  const lanes = new Map<string, Batcher<AppendMessageInput, AppendMessageResult>>();

  const toLane = (input: AppendMessageInput): Promise<AppendMessageResult> => {
    const id = input.conversationId;
    let lane = lanes.get(id);
    if (!lane) {
      lane = new Batcher<AppendMessageInput, AppendMessageResult>(async (inputs) => {
        const outcomes = await appendMessages(db, inputs, true);
        return outcomes.map((o): Outcome<AppendMessageResult> =>
          o.ok && o.value === BUSY ? { ok: false, error: new Error(`Conversation ${id} stayed locked`) } : (o as Outcome<AppendMessageResult>),
        );
      }, BOUNDS);
      lanes.set(id, lane);
    }
    const own = lane;
    const answer = own.submit(input);
    const forget = () => {
      if (own.idle && lanes.get(id) === own) lanes.delete(id);
    };
    answer.then(forget, forget);
    return answer;
  };

  // After a shared batch failed for a reason other than its data (a lost connection, a timeout),
  // each conversation of the next batches goes in a statement of its own, all at once, until one
  // batch goes through: a database that vanished without closing its connections leaves the pool
  // with dead ones that each hang until query_timeout (7 s); one batch at a time would find them
  // one after another, several at once find them together (issue 19, kind 2).
  let degraded = false;
  const appendShared = async (inputs: AppendMessageInput[]): Promise<Outcome<AppendMessageResult | typeof BUSY>[]> => {
    if (!degraded) {
      try {
        return await appendMessages(db, inputs, false);
      } catch (error) {
        degraded = true;
        throw error;
      }
    }
    const byConversation = new Map<string, number[]>();
    inputs.forEach((input, i) => {
      const at = byConversation.get(input.conversationId);
      if (at) at.push(i);
      else byConversation.set(input.conversationId, [i]);
    });
    const outcomes = new Array<Outcome<AppendMessageResult | typeof BUSY>>(inputs.length);
    let failed = false;
    await Promise.all(
      [...byConversation.values()].map(async (at) => {
        try {
          const results = await appendMessages(db, at.map((i) => inputs[i] as AppendMessageInput), false);
          results.forEach((result, k) => (outcomes[at[k] as number] = result));
        } catch (error) {
          failed = true;
          for (const i of at) outcomes[i] = { ok: false, error };
        }
      }),
    );
    if (!failed) degraded = false;
    return outcomes;
  };

  const shared = new Batcher<AppendMessageInput, Answer>(async (inputs) => {
    const outcomes = new Array<Outcome<Answer>>(inputs.length);
    const direct: AppendMessageInput[] = [];
    const directAt: number[] = [];
    inputs.forEach((input, i) => {
      // Behind the sends of its conversation already in a lane.
      if (lanes.has(input.conversationId)) outcomes[i] = { ok: true, value: toLane(input) };
      else {
        direct.push(input);
        directAt.push(i);
      }
    });
    if (direct.length > 0) {
      const results = await appendShared(direct);
      results.forEach((result, k) => {
        const i = directAt[k] as number;
        outcomes[i] = result.ok && result.value === BUSY ? { ok: true, value: toLane(direct[k] as AppendMessageInput) } : (result as Outcome<Answer>);
      });
    }
    return outcomes;
  }, BOUNDS);

  return async (input) => shared.submit(input);
}
