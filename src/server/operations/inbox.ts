/**
 * The inbox operations of protocol 1.2 (docs/protocol.md, "Inbox"),
 * transport-neutral like operations.ts: the socket handlers, the user REST
 * routes and `SocketkitServer` call these with input their edge parsed
 * (schemas.ts), then deliver the events the answer says are due
 * (`socket/inbox-events.ts`). Each throws `RequestError`.
 */
import { LIMITS } from '../../protocol/index.js';
import type {
  ConversationId,
  ConversationListPayload,
  ConversationListResult,
  ConversationReadResult,
  NotificationListPayload,
  NotificationListResult,
  NotificationReadPayload,
  NotificationReadResult,
  NotifyRequest,
  StoredNotification,
  UserId,
} from '../../protocol/index.js';
import { RequestError } from './errors.js';
import { requireParticipant } from './operations.js';
import type { ConversationListPosition, SocketkitStore } from '../store/store.js';

/** `nextCursor` of `conversation:list`: the last item's position, base64url JSON (opaque to clients). */
export function encodeListCursor(position: ConversationListPosition): string {
  return Buffer.from(JSON.stringify([position.lastActivityAt, position.id]), 'utf8').toString('base64url');
}

/** The position a `conversation:list` cursor names; `BAD_REQUEST` for one the server did not make. */
export function decodeListCursor(cursor: string): ConversationListPosition {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (Array.isArray(value) && value.length === 2) {
    const [lastActivityAt, id] = value as unknown[];
    if (typeof lastActivityAt === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(lastActivityAt))) {
      return { lastActivityAt: new Date(lastActivityAt).toISOString(), id };
    }
  }
  throw new RequestError('BAD_REQUEST', 'cursor is not a conversation:list cursor');
}

/** One page of `userId`'s conversations with read state, newest activity first (`conversation:list`). */
export async function listConversations(store: SocketkitStore, userId: UserId, input: ConversationListPayload = {}): Promise<ConversationListResult> {
  const limit = input.limit ?? LIMITS.inboxDefaultLimit;
  const after = input.cursor === undefined ? undefined : decodeListCursor(input.cursor);
  const page = await store.listConversationSummaries({ userId, limit, after });
  const result: ConversationListResult = { conversations: page.conversations, hasMore: page.hasMore };
  const last = page.conversations[page.conversations.length - 1];
  if (page.hasMore && last) result.nextCursor = encodeListCursor(last);
  return result;
}

/** The answer of `conversation:read` and whether the cursor moved (then the read-state events are due). */
export interface ConversationReadOutcome {
  result: ConversationReadResult;
  moved: boolean;
}

/**
 * Moves `userId`'s read cursor in a conversation to `seq` (clamped to its
 * last seq, never back). `NOT_FOUND` / `FORBIDDEN` as `requireParticipant`.
 */
export async function readConversation(
  store: SocketkitStore,
  userId: UserId,
  input: { conversationId: ConversationId; seq: number },
): Promise<ConversationReadOutcome> {
  await requireParticipant(store, input.conversationId, userId);
  const cursor = await store.markRead({ conversationId: input.conversationId, userId, seq: input.seq });
  // Checked above; a store that lost the participant in between answers as the check would have.
  if (!cursor) throw new RequestError('FORBIDDEN', `Not a participant of conversation ${input.conversationId}`);
  return {
    result: { conversationId: input.conversationId, lastReadSeq: cursor.lastReadSeq, unreadCount: Math.max(0, cursor.lastSeq - cursor.lastReadSeq) },
    moved: cursor.moved,
  };
}

/** Notification page positions are decimal insertion numbers (`NotificationPage.nextBefore`). */
const NOTIFICATION_CURSOR = /^[1-9]\d{0,15}$/;

/** One page of `userId`'s notifications, newest first, with the unread count (`notification:list`). */
export async function listNotifications(store: SocketkitStore, userId: UserId, input: NotificationListPayload = {}): Promise<NotificationListResult> {
  if (input.cursor !== undefined && !NOTIFICATION_CURSOR.test(input.cursor)) {
    throw new RequestError('BAD_REQUEST', 'cursor is not a notification:list cursor');
  }
  const page = await store.listNotifications({
    userId,
    limit: input.limit ?? LIMITS.inboxDefaultLimit,
    unreadOnly: input.unreadOnly ?? false,
    before: input.cursor,
  });
  const result: NotificationListResult = { notifications: page.notifications, unreadCount: page.unreadCount, hasMore: page.hasMore };
  if (page.hasMore && page.nextBefore !== undefined) result.nextCursor = page.nextBefore;
  return result;
}

/** The answer of `notification:read` and the ids whose `readAt` it set (the read-state event is due when any). */
export interface NotificationsReadOutcome {
  result: NotificationReadResult;
  changedIds: string[];
}

/** Marks `userId`'s notifications read: the ids given (others' ignored) or all. */
export async function readNotifications(store: SocketkitStore, userId: UserId, input: NotificationReadPayload): Promise<NotificationsReadOutcome> {
  const changed = await store.markNotificationsRead('all' in input ? { userId, all: true } : { userId, ids: input.ids });
  return { result: { unreadCount: changed.unreadCount }, changedIds: changed.changedIds };
}

/** Stores a notification for `userId` (`readAt: null`); the caller delivers it as `notification:new`. */
export async function storeNotification(store: SocketkitStore, userId: UserId, input: NotifyRequest): Promise<StoredNotification> {
  return store.addNotification({ userId, ...input });
}
