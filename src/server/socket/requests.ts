import { LIMITS, conversationRoom } from '../../protocol/index.js';
import type { ConversationId, PresenceSubscribeResult, RequestEvent, RequestResult, UserId } from '../../protocol/index.js';
import { RequestError, parseInput } from '../operations/errors.js';
import { presenceRoom } from '../presence/presence.js';
import { TypingState } from './typing.js';
import * as operations from '../operations/operations.js';
import * as inbox from '../operations/inbox.js';
import { emitConversationUpdated, emitNotificationReadState, emitReadState } from './inbox-events.js';
import {
  conversationCreateSchema,
  conversationIdSchema,
  conversationListSchema,
  conversationReadSchema,
  historySchema,
  notificationListSchema,
  notificationReadSchema,
  messageSendSchema,
  presenceIdsSchema,
  presenceListSchema,
  splitUserIds,
  typingSchema,
} from '../operations/schemas.js';
import type { ConnectionContext } from './connection-context.js';

/**
 * The handler of each request, typed by the protocol's `RequestMap`: the
 * payload arrives unchecked and is parsed here, once, with its operation's
 * schema (this is the socket edge; the operations trust their input); the
 * result is sent as `{ ok: true, ...result }`, a throw as `{ ok: false, error }`.
 */
type RequestHandlers = {
  [E in RequestEvent]: (ctx: ConnectionContext, payload: unknown) => RequestResult<E> | Promise<RequestResult<E>>;
};

/** Most users one socket may watch explicitly (bounds memory per socket). */
const MAX_EXPLICIT_WATCHES = 10_000;
const EMPTY = Object.freeze({});

/** Throws NOT_FOUND / FORBIDDEN unless the socket's user takes part in the conversation. */
const requireParticipant = (ctx: ConnectionContext, conversationId: ConversationId): Promise<void> =>
  operations.requireParticipant(ctx.store, conversationId, ctx.userId);

const unique = (ids: readonly UserId[]): UserId[] => (ids.length < 2 ? [...ids] : [...new Set(ids)]);

/**
 * `presence:subscribe`, also run for the ids a v1.1 client names in its
 * handshake (`auth.presence`): joins the watched users' presence rooms and
 * answers their current state. Throws RequestError BAD_REQUEST (not an id
 * list) or PAYLOAD_TOO_LARGE (over 1,000 ids, or over 10,000 watches).
 */
export function subscribePresence(ctx: ConnectionContext, payload: unknown): PresenceSubscribeResult {
  const { valid, invalid } = splitUserIds(parseInput(presenceIdsSchema, payload).userIds);
  const ids = unique(valid);
  const watches = ctx.explicitWatches ?? new Set<UserId>();
  const added: UserId[] = [];
  for (const id of ids) if (!watches.has(id)) added.push(id);
  if (watches.size + added.length > MAX_EXPLICIT_WATCHES) {
    throw new RequestError('PAYLOAD_TOO_LARGE', `A socket may watch at most ${MAX_EXPLICIT_WATCHES} users`);
  }
  // A request that finished after its socket left must not re-add rooms.
  if (added.length > 0 && ctx.socket.connected) {
    for (const id of added) watches.add(id);
    ctx.explicitWatches = watches;
    void ctx.socket.join(added.map(presenceRoom));
  }
  const users = ids.map((id) => ctx.presence.state(id));
  return invalid.length > 0 ? { users, invalid } : { users };
}

/** Every request a client may send, by event name. */
export const requestHandlers: RequestHandlers = {
  'presence:subscribe': subscribePresence,

  'presence:unsubscribe'(ctx, payload) {
    const userIds = splitUserIds(parseInput(presenceIdsSchema, payload).userIds).valid;
    for (const id of userIds) {
      if (ctx.explicitWatches?.delete(id)) void ctx.socket.leave(presenceRoom(id));
    }
    return EMPTY;
  },

  'presence:list'(ctx, payload) {
    const query = parseInput(presenceListSchema, payload ?? undefined);
    const limit = Math.min(query?.limit ?? LIMITS.maxPresenceIds, LIMITS.maxPresenceIds);
    return ctx.presence.list(query?.cursor, limit);
  },

  async 'conversation:create'(ctx, payload) {
    const input = parseInput(conversationCreateSchema, payload);
    const conversation = await operations.createConversation(ctx.store, { ...input, createdBy: ctx.userId });
    ctx.logger.info(
      `create ${ctx.userId} → conversation ${conversation.id} (${conversation.participantIds.length} participants)`,
    );
    return { conversation };
  },

  async 'conversation:join'(ctx, payload) {
    const conversationId = parseInput(conversationIdSchema, payload);
    await requireParticipant(ctx, conversationId);
    const [conversation, lastSeq] = await Promise.all([
      ctx.store.getConversation(conversationId),
      ctx.store.lastSeq(conversationId),
    ]);
    if (!conversation) throw new RequestError('NOT_FOUND', `Conversation ${conversationId} not found`);
    const room = conversationRoom(conversationId);
    // The socket may have left while the store answered: joining now would leak a room entry.
    if (!ctx.socket.connected) throw new RequestError('BAD_REQUEST', 'Socket disconnected');
    if (!ctx.joined?.has(conversationId)) {
      // Joining watches the other participants' presence: their changes go to this room.
      (ctx.joined ??= new Set()).add(conversationId);
      await ctx.socket.join(room);
      ctx.logger.info(`join ${ctx.userId} → ${conversationId}`);
    }
    return { conversationId, room, participantIds: conversation.participantIds, lastSeq };
  },

  async 'conversation:leave'(ctx, payload) {
    const conversationId = parseInput(conversationIdSchema, payload);
    if (ctx.joined?.delete(conversationId)) {
      ctx.typing?.stop(conversationId);
      await ctx.socket.leave(conversationRoom(conversationId));
    }
    return EMPTY;
  },

  async 'message:send'(ctx, payload) {
    const input = parseInput(messageSendSchema, payload);
    const { message, created } = await operations.appendMessage(ctx.store, {
      conversationId: input.conversationId,
      senderId: ctx.userId,
      content: input.content,
      clientMessageId: input.clientMessageId,
    });
    if (created) {
      // A sent message ends the sender's typing state, as users expect.
      ctx.typing?.stop(input.conversationId);
      ctx.socket.to(conversationRoom(input.conversationId)).emit('message:new', message);
      const conversation = await ctx.store.getConversation(input.conversationId);
      if (conversation) emitConversationUpdated(ctx.io, message, conversation.participantIds, ctx.socket.id);
    }
    return { message };
  },

  async 'conversation:history'(ctx, payload) {
    return operations.historyPage(ctx.store, ctx.userId, parseInput(historySchema, payload));
  },

  async 'typing:start'(ctx, payload) {
    const { conversationId } = parseInput(typingSchema, payload);
    await requireParticipant(ctx, conversationId);
    ctx.typing ??= new TypingState(ctx.io, ctx.socket, ctx.userId, ctx.typingTimeoutMs);
    ctx.typing.start(conversationId);
    return EMPTY;
  },

  async 'typing:stop'(ctx, payload) {
    const { conversationId } = parseInput(typingSchema, payload);
    await requireParticipant(ctx, conversationId);
    ctx.typing?.stop(conversationId);
    return EMPTY;
  },

  async 'conversation:list'(ctx, payload) {
    return inbox.listConversations(ctx.store, ctx.userId, parseInput(conversationListSchema, payload ?? undefined));
  },

  async 'conversation:read'(ctx, payload) {
    const { result, moved } = await inbox.readConversation(ctx.store, ctx.userId, parseInput(conversationReadSchema, payload));
    if (moved) emitReadState(ctx.io, ctx.userId, result);
    return result;
  },

  async 'notification:list'(ctx, payload) {
    return inbox.listNotifications(ctx.store, ctx.userId, parseInput(notificationListSchema, payload ?? undefined));
  },

  async 'notification:read'(ctx, payload) {
    const input = parseInput(notificationReadSchema, payload);
    const { result, changedIds } = await inbox.readNotifications(ctx.store, ctx.userId, input);
    emitNotificationReadState(ctx.io, ctx.userId, changedIds, 'all' in input, result.unreadCount);
    return result;
  },
};

/** Whether `event` is one of the protocol's requests. */
export const isRequestEvent = (event: string): event is RequestEvent =>
  Object.prototype.hasOwnProperty.call(requestHandlers, event);
