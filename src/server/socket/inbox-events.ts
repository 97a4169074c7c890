/**
 * Delivery of the inbox events of protocol 1.2 (docs/protocol.md, "Inbox").
 * Everything goes through rooms, so with a cluster adapter it reaches every
 * node, once: a user's sockets are the room `user:<id>`, a conversation's
 * joined sockets the room `conversation:<id>`.
 */
import type { Server } from 'socket.io';
import { conversationRoom, userRoom } from '../../protocol/index.js';
import type { ConversationReadResult, Message, StoredNotification, UserId } from '../../protocol/index.js';

/**
 * After `userId`'s read cursor moved: `conversation:read-state` to every
 * socket of the user (the caller's too), `receipt:read` to the
 * conversation's room except every socket of the reader.
 */
export function emitReadState(io: Server, userId: UserId, state: ConversationReadResult): void {
  io.to(userRoom(userId)).emit('conversation:read-state', state);
  io.to(conversationRoom(state.conversationId))
    .except(userRoom(userId))
    .emit('receipt:read', { conversationId: state.conversationId, userId, seq: state.lastReadSeq });
}

/**
 * A new message for the participants' sockets that are not joined to its
 * conversation (joined ones get `message:new` from the room), except the
 * sending socket, which has its ack.
 */
export function emitConversationUpdated(io: Server, message: Message, participantIds: readonly UserId[], sendingSocketId?: string): void {
  if (participantIds.length === 0) return;
  const except = [conversationRoom(message.conversationId)];
  if (sendingSocketId !== undefined) except.push(sendingSocketId);
  io.to(participantIds.map(userRoom))
    .except(except)
    .emit('conversation:updated', { conversationId: message.conversationId, lastMessage: message, lastSeq: message.seq });
}

/**
 * `notification:new` to every socket of the user. Returns the sockets it
 * reached on this node (`null` with a cluster, where other nodes deliver too).
 */
export function emitNotification(io: Server, userId: UserId, notification: StoredNotification, clustered: boolean): number | null {
  const room = userRoom(userId);
  const reached = io.sockets.adapter.rooms.get(room)?.size ?? 0;
  io.to(room).emit('notification:new', notification);
  return clustered ? null : reached;
}

/** After `notification:read` changed something: `notification:read-state` to every socket of the user. */
export function emitNotificationReadState(io: Server, userId: UserId, changedIds: readonly string[], all: boolean, unreadCount: number): void {
  if (changedIds.length === 0) return;
  io.to(userRoom(userId)).emit('notification:read-state', all ? { all: true, unreadCount } : { ids: [...changedIds], unreadCount });
}
