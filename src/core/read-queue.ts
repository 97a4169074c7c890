import type { ConversationId, ConversationReadResult } from '../protocol/index.js';
import { featureOf, type ClientInternals } from './client-internals.js';
import type { Context } from './context.js';
import { isUnknownEvent, toRealtimeError, type RealtimeError } from './errors.js';
import type { RealtimeClient } from './types.js';

/** Most conversations whose read cursor may wait for the server at once; past it the oldest waiting one is dropped. */
export const MAX_WAITING_READS = 1000;

/**
 * Read cursors on their way to the server (`conversation:read`): per
 * conversation only the highest seq waits, so a burst of `markRead` calls,
 * or any number made offline, is sent once. Sent at once when connected,
 * else on the next connection; a request the link dropped is sent again
 * then (the server's cursor is monotonic, so twice is harmless). One per
 * client, made by the first read (`readQueueOf`). Internal.
 */
export interface ReadQueue {
  /** Remember `seq` for `conversationId` (the highest wins) and send it if connected. */
  add(conversationId: ConversationId, seq: number): void;
  /** The highest seq not yet confirmed for the conversation. */
  waiting(conversationId: ConversationId): number | undefined;
  /** Connected: send what waits. */
  flush(): void;
  /** Hear the server's answers (the conversation list does). Returns the removal. */
  listen(events: ReadQueueEvents): () => void;
  /** The server keeps no read state (before protocol 1.2): nothing is sent any more. */
  readonly unsupported: boolean;
}

/** What the queue tells its listeners (`listen`); refusals are reported to `onError` by the queue itself. */
export interface ReadQueueEvents {
  /** The server's answer: the conversation's read state now. */
  answered(result: ConversationReadResult): void;
  /** The server refused for good (`NOT_FOUND`, `FORBIDDEN`, `BAD_REQUEST`): nothing waits for it any more. */
  refused(conversationId: ConversationId, error: RealtimeError): void;
}

/** Everything the queue knows. Internal to this file. */
interface Runtime {
  ctx: Context;
  listeners: Set<ReadQueueEvents>;
  /** Not yet confirmed: the highest seq per conversation, oldest first. */
  waiting: Map<ConversationId, number>;
  /** Sent and not answered yet: the seq per conversation. */
  inFlight: Map<ConversationId, number>;
  destroyed: boolean;
  unsupported: boolean;
}

function answered(rt: Runtime, result: ConversationReadResult): void {
  for (const events of rt.listeners) events.answered(result);
}

function refused(rt: Runtime, conversationId: ConversationId, error: RealtimeError): void {
  // A server before protocol 1.2 keeps no read state: learnt once, quietly, and nothing more is sent.
  if (isUnknownEvent(error)) rt.unsupported = true;
  else rt.ctx.report(error, `markRead ${conversationId}`);
  for (const events of rt.listeners) events.refused(conversationId, error);
}

/** Nothing waits for `conversationId` up to `seq` any more. */
function done(rt: Runtime, conversationId: ConversationId, seq: number): void {
  if (rt.inFlight.get(conversationId) === seq) rt.inFlight.delete(conversationId);
  if ((rt.waiting.get(conversationId) ?? -1) <= seq) rt.waiting.delete(conversationId);
}

function send(rt: Runtime, conversationId: ConversationId, seq: number): void {
  rt.inFlight.set(conversationId, seq);
  rt.ctx.request('conversation:read', { conversationId, seq }).then(
    (result) => {
      if (rt.destroyed) return;
      done(rt, conversationId, seq);
      answered(rt, result);
    },
    (error: unknown) => {
      if (rt.destroyed) return;
      const realtimeError = toRealtimeError(error);
      // Retryable (the link dropped, a timeout): it waits for the next connection.
      if (realtimeError.retryable) {
        if (rt.inFlight.get(conversationId) === seq) rt.inFlight.delete(conversationId);
        return;
      }
      done(rt, conversationId, seq);
      refused(rt, conversationId, realtimeError);
    },
  );
}

function flush(rt: Runtime): void {
  if (rt.destroyed || !rt.ctx.connected()) return;
  for (const [conversationId, seq] of rt.waiting) {
    if ((rt.inFlight.get(conversationId) ?? -1) < seq) send(rt, conversationId, seq);
  }
}

function add(rt: Runtime, conversationId: ConversationId, seq: number): void {
  if (rt.unsupported) return;
  const before = rt.waiting.get(conversationId);
  if (before !== undefined && before >= seq) return;
  rt.waiting.delete(conversationId); // re-inserted last: the map stays oldest first
  rt.waiting.set(conversationId, seq);
  if (rt.waiting.size > MAX_WAITING_READS) rt.waiting.delete(rt.waiting.keys().next().value as ConversationId);
  flush(rt);
}

function createReadQueue({ context, onLink }: ClientInternals): ReadQueue {
  const rt: Runtime = { ctx: context, listeners: new Set(), waiting: new Map(), inFlight: new Map(), destroyed: false, unsupported: false };
  onLink('up', () => flush(rt));
  onLink('destroy', () => {
    rt.destroyed = true;
    rt.waiting.clear();
    rt.inFlight.clear();
    rt.listeners.clear();
  });
  return {
    add: (conversationId, seq) => add(rt, conversationId, seq),
    waiting: (conversationId) => rt.waiting.get(conversationId),
    flush: () => flush(rt),
    listen(events) {
      rt.listeners.add(events);
      return () => void rt.listeners.delete(events);
    },
    get unsupported() {
      return rt.unsupported;
    },
  };
}

const queues = new WeakMap<RealtimeClient, ReadQueue>();

/** The read queue of `client`, made by its first read. */
export const readQueueOf = (client: RealtimeClient): ReadQueue => featureOf(queues, client, createReadQueue);
