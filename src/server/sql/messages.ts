/**
 * Appending messages in batches (group commit) for the SQL store: one call
 * of `socketkit_send_messages_optimistic` (schema.ts, migration 7) per batch,
 * one transaction, one commit, which also moves each sender's read cursor to
 * their message; each message's outcome read from its row. The function
 * inserts first and falls back to migration 6's `socketkit_send_messages`,
 * which checks each idempotency key, only when a key is taken (a retry).
 */
import { randomUUID } from 'node:crypto';
import type { Message } from '../../protocol/index.js';
import type { AppendMessageInput, AppendMessageResult } from '../store/store.js';
import type { Outcome } from './batcher.js';
import type { SqlExecutor } from './database.js';

/** A message row as the append functions return it. */
export interface MessageRow {
  id: string;
  seq: unknown;
  conversation_id: string;
  sender_id: string;
  content: string;
  client_message_id: string;
  created_at: Date | string;
}

/**
 * A bigint column as a JS number. node-postgres returns int8 as a string
 * (it may exceed 2^53); a seq never does, and a value that did would be a
 * corrupted database, so it throws instead of rounding.
 */
export function toSafeNumber(value: unknown): number {
  const number = typeof value === 'bigint' ? Number(value) : typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
    throw new Error(`Expected a safe integer from the database, got ${String(value)}`);
  }
  return number;
}

export const iso = (value: Date | string): string => (value instanceof Date ? value : new Date(value)).toISOString();

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    seq: toSafeNumber(row.seq),
    conversationId: row.conversation_id,
    senderId: row.sender_id,
    content: row.content,
    createdAt: iso(row.created_at),
    clientMessageId: row.client_message_id,
  };
}

/** Bound of one batch in messages (the statement's arrays). */
export const MAX_BATCH_MESSAGES = 256;
/**
 * Bound of one batch in bytes of content (UTF-8): 1 MiB, ≈ 64 messages of
 * the longest content (4,000 characters of up to 4 bytes each), so one
 * statement stays well under the server's and the driver's buffers.
 */
export const MAX_BATCH_BYTES = 1 << 20;

/** Bytes of one message's content, for `MAX_BATCH_BYTES`. */
export const messageBytes = (input: AppendMessageInput): number => Buffer.byteLength(input.content);

/**
 * SQLSTATE classes of errors that one message's data can cause and that
 * leave the batch's statement rolled back and the connection usable: data
 * exceptions (22: e.g. a NUL character in text), integrity violations (23),
 * transaction rollbacks (40: a deadlock or serialization failure). After
 * one, the batch is retried message by message so that only the bad one is
 * refused. Any other error (the connection, the server) refuses the batch.
 */
const RETRY_ONE_BY_ONE = /^(22|23|40)/;

function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length === 5 && RETRY_ONE_BY_ONE.test(code);
}

const unknownConversation = (conversationId: string) => new Error(`Unknown conversation ${conversationId}`);

/**
 * `text` as the database keeps it. UTF-8 cannot hold a lone surrogate: the
 * drivers (node-postgres, PGlite) write each as U+FFFD. Validation refuses
 * such text before it reaches a store; a store called directly still answers
 * with what it kept. (`String.prototype.toWellFormed`, Node 20; not in the ES2022 lib's types.)
 */
const asStored = (text: string): string => (text as unknown as { toWellFormed(): string }).toWellFormed();

/** The outcome of a send whose conversation's row another transaction holds (`wait` false): not appended, send it again waiting. */
export const BUSY = Symbol('conversation busy');

/**
 * Appends `inputs` in one statement (one commit) and returns one outcome per
 * input, in order. With `wait` false a conversation whose row another
 * transaction holds is skipped and its inputs answered `BUSY`, untouched;
 * with `wait` true the statement waits for every row (up to the connection's
 * `lock_timeout`). Rejects (every input refused) when the statement fails
 * for a reason other than one message's data; see `RETRY_ONE_BY_ONE`.
 */
export async function appendMessages(
  db: SqlExecutor,
  inputs: readonly AppendMessageInput[],
  wait: boolean,
): Promise<Outcome<AppendMessageResult | typeof BUSY>[]> {
  const createdAt = new Date().toISOString();
  const columns = {
    conversationIds: [] as string[],
    senderIds: [] as string[],
    contents: [] as string[],
    clientMessageIds: [] as string[],
    ids: [] as string[],
    createdAts: [] as string[],
  };
  for (const input of inputs) {
    columns.conversationIds.push(input.conversationId);
    columns.senderIds.push(input.senderId);
    columns.contents.push(input.content);
    columns.clientMessageIds.push(input.clientMessageId);
    columns.ids.push(randomUUID());
    columns.createdAts.push(createdAt);
  }
  /** One row per input (migrations 6 and 7): `id`, `content` and `created_at` only when it was answered with a stored message. */
  type Row = { batch_index: number; seq: unknown; created: boolean | null; busy: boolean; id: string | null; content: string | null; created_at: Date | string | null };
  let rows: Row[];
  try {
    ({ rows } = await db.query<Row>(
      'SELECT * FROM socketkit_send_messages_optimistic($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::boolean)',
      [columns.conversationIds, columns.senderIds, columns.contents, columns.clientMessageIds, columns.ids, columns.createdAts, wait],
    ));
  } catch (error) {
    if (inputs.length > 1 && isDataError(error)) return appendOneByOne(db, inputs, wait);
    throw error;
  }
  const outcomes = new Array<Outcome<AppendMessageResult | typeof BUSY>>(inputs.length);
  for (const row of rows) {
    const i = Number(row.batch_index) - 1;
    const input = inputs[i];
    if (!input) throw new Error(`socketkit_send_messages_optimistic returned a row for request ${i + 1} of ${inputs.length}`);
    if (row.busy) outcomes[i] = { ok: true, value: BUSY };
    else if (row.created === null) outcomes[i] = { ok: false, error: unknownConversation(input.conversationId) };
    else {
      const stored = row.created ? null : row;
      const message: Message = {
        id: stored ? String(stored.id) : (columns.ids[i] as string),
        seq: toSafeNumber(row.seq),
        conversationId: asStored(input.conversationId),
        senderId: asStored(input.senderId),
        content: stored ? String(stored.content) : asStored(input.content),
        createdAt: stored ? iso(stored.created_at as Date | string) : createdAt,
        clientMessageId: asStored(input.clientMessageId),
      };
      outcomes[i] = { ok: true, value: { message, created: row.created } };
    }
  }
  return outcomes;
}

/**
 * The batch message by message, in order, each in its own statement: one bad
 * message refuses only itself. Two rules keep it as safe as the batch:
 * - Once a conversation is answered `BUSY` (its row locked by another
 *   transaction, `wait` false), its later inputs are answered `BUSY` too,
 *   untouched: storing one of them now would put it before the earlier one.
 * - An error that is not one message's data (the connection, the server)
 *   refuses the inputs not yet tried with it, at once: each would only wait
 *   for the same failure (up to `query_timeout`).
 */
async function appendOneByOne(db: SqlExecutor, inputs: readonly AppendMessageInput[], wait: boolean): Promise<Outcome<AppendMessageResult | typeof BUSY>[]> {
  const outcomes: Outcome<AppendMessageResult | typeof BUSY>[] = [];
  const busy = new Set<string>();
  let broken: { error: unknown } | null = null;
  for (const input of inputs) {
    if (broken) {
      outcomes.push({ ok: false, error: broken.error });
      continue;
    }
    if (busy.has(input.conversationId)) {
      outcomes.push({ ok: true, value: BUSY });
      continue;
    }
    try {
      const [outcome] = await appendMessages(db, [input], wait);
      if (outcome?.ok && outcome.value === BUSY) busy.add(input.conversationId);
      outcomes.push(outcome ?? { ok: false, error: new Error(`socketkit_send_messages_optimistic returned nothing for ${input.conversationId}`) });
    } catch (error) {
      if (!isDataError(error)) broken = { error };
      outcomes.push({ ok: false, error });
    }
  }
  return outcomes;
}
