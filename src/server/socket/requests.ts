import { LIMITS, conversationRoom } from '../../protocol/index.js';
import type { ConversationId, InvalidUserId, PresenceSubscribeResult, RequestEvent, RequestResult, UserId } from '../../protocol/index.js';
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

/** A `presence:subscribe` parsed and checked against the presence policy, not applied yet. */
export interface PreparedWatch {
  ids: UserId[];
  /** The ids the socket's user may see (the others read as offline and are not watched). */
  visible: Set<UserId>;
  invalid: InvalidUserId[];
}

/**
 * The asynchronous half of `presence:subscribe` (also run for the ids a v1.1
 * client names in its handshake, `auth.presence`): parses the list and asks
 * the presence policy which ids the user may see. Throws RequestError
 * BAD_REQUEST (not an id list) or PAYLOAD_TOO_LARGE (over 1,000 ids).
 */
export async function preparePresenceWatch(ctx: Pick<ConnectionContext, 'userId' | 'visibility'>, payload: unknown): Promise<PreparedWatch> {
  const { valid, invalid } = splitUserIds(parseInput(presenceIdsSchema, payload).userIds);
  const ids = unique(valid);
  return { ids, visible: await ctx.visibility.visible(ctx.userId, ids), invalid };
}

/**
 * The synchronous half: joins the presence rooms of the visible ids and
 * answers the current state of every id (a hidden one as offline, never
 * seen). Throws PAYLOAD_TOO_LARGE past 10,000 watches on the socket or
 * `maxWatchesPerUser` over the user's sockets.
 */
export function applyPresenceWatch(ctx: ConnectionContext, { ids, visible, invalid }: PreparedWatch): PresenceSubscribeResult {
  const watches = ctx.explicitWatches ?? new Set<UserId>();
  const added: UserId[] = [];
  for (const id of ids) if (visible.has(id) && !watches.has(id)) added.push(id);
  if (watches.size + added.length > MAX_EXPLICIT_WATCHES) {
    throw new RequestError('PAYLOAD_TOO_LARGE', `A socket may watch at most ${MAX_EXPLICIT_WATCHES} users`);
  }
  // A request that finished after its socket left must not re-add rooms.
  if (added.length > 0 && ctx.socket.connected) {
    if (!ctx.budgets.addWatches(ctx.userId, added.length)) {
      throw new RequestError(
        'PAYLOAD_TOO_LARGE',
        `A user may watch at most ${ctx.budgets.limits.maxWatchesPerUser} users over all their sockets`,
      );
    }
    for (const id of added) watches.add(id);
    ctx.explicitWatches = watches;
    void ctx.socket.join(added.map(presenceRoom));
  }
  const users = ids.map((id) => (visible.has(id) ? ctx.presence.state(id) : { userId: id, online: false }));
  return invalid.length > 0 ? { users, invalid } : { users };
}

/** `presence:subscribe`: both halves. */
export async function subscribePresence(ctx: ConnectionContext, payload: unknown): Promise<PresenceSubscribeResult> {
  return applyPresenceWatch(ctx, await preparePresenceWatch(ctx, payload));
}

/** Every request a client may send, by event name. */
export const requestHandlers: RequestHandlers = {
  'presence:subscribe': subscribePresence,

  'presence:unsubscribe'(ctx, payload) {
    const userIds = splitUserIds(parseInput(presenceIdsSchema, payload).userIds).valid;
    let removed = 0;
    for (const id of userIds) {
      if (ctx.explicitWatches?.delete(id)) {
        removed += 1;
        void ctx.socket.leave(presenceRoom(id));
      }
    }
    ctx.budgets.removeWatches(ctx.userId, removed);
    return EMPTY;
  },

  async 'presence:list'(ctx, payload) {
    const query = parseInput(presenceListSchema, payload ?? undefined);
    const limit = Math.min(query?.limit ?? LIMITS.maxPresenceIds, LIMITS.maxPresenceIds);
    return ctx.visibility.list(ctx.userId, ctx.presence, query?.cursor, limit);
  },

  async 'conversation:create'(ctx, payload) {
    const input = parseInput(conversationCreateSchema, payload);
    const retryAfterMs = ctx.creations?.take(ctx.userId) ?? 0;
    if (retryAfterMs > 0) {
      throw new RequestError('RATE_LIMITED', 'Too many conversations created; try again later', { retryAfterMs });
    }
    const conversation = await operations.createConversation(ctx.store, { ...input, createdBy: ctx.userId });
    ctx.logger.info({ userId: ctx.userId, conversationId: conversation.id, participants: conversation.participantIds.length }, 'create conversation');
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
      // Only while the room exists: its deletion is what forgets the entry.
      if (ctx.io.sockets.adapter.rooms.has(room)) ctx.listened?.listen(conversationId, conversation.participantIds);
      ctx.logger.info({ userId: ctx.userId, socketId: ctx.socket.id, conversationId }, 'join');
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
