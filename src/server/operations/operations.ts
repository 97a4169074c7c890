/**
 * The operations of socketkit, independent of the transport: the socket
 * request handlers, the mock server's REST API and the server API for
 * backends all call these, so a rule (who may read a conversation, how many
 * participants, how long a history page) is written once. Their input is
 * trusted: the edge that calls them (socket handler, HTTP route,
 * `SocketkitServer` method) has parsed it once with the operation's schema
 * (`schemas.ts`). Each throws `RequestError`, which the edge answers as an
 * ack error or an HTTP status.
 */
import { LIMITS, SOCKET_IO_RESERVED_EVENTS } from '../../protocol/index.js';
import type { Conversation, ConversationId, ServerEvent, UserId } from '../../protocol/index.js';
import { RequestError } from './errors.js';
import type { AppendMessageInput, AppendMessageResult, HistoryPage, SocketkitStore } from '../store/store.js';

/** Throws `NOT_FOUND` (no such conversation) or `FORBIDDEN` (not a participant) unless `userId` takes part in it. */
export async function requireParticipant(store: SocketkitStore, conversationId: ConversationId, userId: UserId): Promise<void> {
  const member = await store.isParticipant(conversationId, userId);
  if (member === undefined) throw new RequestError('NOT_FOUND', `Conversation ${conversationId} not found`);
  if (!member) throw new RequestError('FORBIDDEN', `Not a participant of conversation ${conversationId}`);
}

/** Input of `createConversation`: the creator is always a participant. */
export interface NewConversation {
  createdBy: UserId;
  participantIds: readonly UserId[];
  /** Trimmed; empty or absent means no title (`null`). */
  title?: string | null;
}

/**
 * Creates a conversation of `createdBy` and `participantIds` (duplicates
 * dropped, creator first). The edge has parsed the input with
 * `conversationCreateSchema` / `newConversationSchema` (ids, title length,
 * list length); this adds `PAYLOAD_TOO_LARGE` when the creator makes the
 * list longer than `LIMITS.maxParticipants` (docs/protocol.md, "Limits").
 */
export async function createConversation(store: SocketkitStore, input: NewConversation): Promise<Conversation> {
  const participantIds = [...new Set([input.createdBy, ...input.participantIds])];
  if (participantIds.length > LIMITS.maxParticipants) {
    throw new RequestError('PAYLOAD_TOO_LARGE', `At most ${LIMITS.maxParticipants} participants`);
  }
  const title = input.title?.trim() || null;
  return store.createConversation({ participantIds, title, createdBy: input.createdBy });
}

/** A history request: `limit` defaults to `LIMITS.historyDefaultLimit` and is capped at `LIMITS.historyMaxLimit`. */
export interface HistoryRequest {
  conversationId: ConversationId;
  afterSeq?: number;
  beforeSeq?: number;
  limit?: number;
}

/** A page of history for a participant (`NOT_FOUND` / `FORBIDDEN` otherwise). */
export async function historyPage(store: SocketkitStore, userId: UserId, query: HistoryRequest): Promise<HistoryPage> {
  await requireParticipant(store, query.conversationId, userId);
  const limit = Math.min(query.limit ?? LIMITS.historyDefaultLimit, LIMITS.historyMaxLimit);
  const page: HistoryPage = await store.history({
    conversationId: query.conversationId,
    afterSeq: query.afterSeq,
    beforeSeq: query.beforeSeq,
    limit,
  });
  return page;
}

/**
 * Stores a message of a participant with the next `seq`, idempotent on
 * `(conversationId, senderId, clientMessageId)` (`created: false` for a
 * repeat), and moves the sender's read cursor to its `seq` (in the append
 * itself when the store says `appendMarksSenderRead`). Resolves only
 * after the store has both. The caller broadcasts
 * `message:new` when `created`. The edge has parsed the input with
 * `messageSendSchema` / `appendMessageSchema`; this throws `NOT_FOUND` /
 * `FORBIDDEN` as `requireParticipant`.
 */
export async function appendMessage(store: SocketkitStore, input: AppendMessageInput): Promise<AppendMessageResult> {
  await requireParticipant(store, input.conversationId, input.senderId);
  const result = await store.appendMessage(input);
  // What I wrote, I have read (protocol 1.2): the sender's cursor moves to the seq, never back,
  // without an event. The shipped stores do it inside the append (no window in which a crash
  // leaves one's own message unread, no second statement); a custom store that does not gets a
  // separate, monotonic markRead here, for a repeat too (a no-op when it already did).
  if (!store.appendMarksSenderRead) {
    await store.markRead({ conversationId: input.conversationId, userId: input.senderId, seq: result.message.seq });
  }
  return result;
}

/**
 * Every server → client event of the protocol whose meaning the server
 * guarantees: all of `ServerEventMap` but `notification:new` (the record must
 * name each one, so a new protocol event cannot be left out).
 */
const PROTOCOL_GUARANTEED_EVENTS: Record<Exclude<ServerEvent, 'notification:new'>, true> = {
  'connection:established': true,
  'connection:error': true,
  'auth:expired': true,
  'user:online': true,
  'user:offline': true,
  'presence:changes': true,
  'user:typing': true,
  'message:new': true,
  'conversation:read-state': true,
  'receipt:read': true,
  'conversation:updated': true,
  'notification:read-state': true,
};

/**
 * Events a backend may not emit through the server API: Socket.IO's
 * reserved names and `error`, and every protocol event the server guarantees
 * (docs/deploy.md, "The server API, for your backend"; messages go through
 * the messages route so history and `seq` stay true).
 */
export const RESERVED_EVENTS: ReadonlySet<string> = new Set([...SOCKET_IO_RESERVED_EVENTS, 'error', ...Object.keys(PROTOCOL_GUARANTEED_EVENTS)]);

/** Longest event name the server API emits. */
export const MAX_EVENT_NAME_LENGTH = 128;

/** Throws `BAD_REQUEST` unless `event` is a non-empty name of at most 128 characters outside `RESERVED_EVENTS`. */
export function assertEmittableEvent(event: unknown): asserts event is string {
  if (typeof event !== 'string' || event.length === 0 || event.length > MAX_EVENT_NAME_LENGTH) {
    throw new RequestError('BAD_REQUEST', `event must be a non-empty string of at most ${MAX_EVENT_NAME_LENGTH} characters`);
  }
  if (RESERVED_EVENTS.has(event)) {
    throw new RequestError('BAD_REQUEST', `event ${event} is reserved and cannot be emitted through the server API`);
  }
}
