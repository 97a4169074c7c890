/**
 * The inbox methods of `SocketkitServer` (protocol 1.2): each parses its
 * unchecked input once (this is an edge: an app's code, the user REST
 * routes, the server API), runs the transport-neutral operation and
 * delivers the events it calls for, as the socket handlers do.
 */
import type { Server } from 'socket.io';
import { parseInput } from './operations/errors.js';
import * as inbox from './operations/inbox.js';
import {
  conversationListSchema,
  conversationReadSchema,
  notificationListSchema,
  notificationReadSchema,
  notifySchema,
} from './operations/schemas.js';
import { emitNotification, emitNotificationReadState, emitReadState } from './socket/inbox-events.js';
import type { SocketkitStore } from './store/store.js';
import type { SocketkitServer } from './types.js';
import { z } from 'zod';
import { LIMITS } from '../protocol/index.js';

const userIdSchema = z.string().min(1).max(LIMITS.maxIdLength);

type InboxMethods = Pick<SocketkitServer, 'notify' | 'listConversations' | 'readConversation' | 'listNotifications' | 'readNotifications'>;

/** `SocketkitServer`'s inbox methods over `io` and `store`; `clustered`: other nodes deliver too (`delivered: null`). */
export function createInboxMethods(io: Server, store: SocketkitStore, clustered: boolean): InboxMethods {
  return {
    async notify(userId, input) {
      const to = parseInput(userIdSchema, userId, 'Invalid userId');
      const notification = await inbox.storeNotification(store, to, parseInput(notifySchema, input, 'Invalid notification'));
      return { notification, delivered: emitNotification(io, to, notification, clustered) };
    },
    async listConversations(userId, query) {
      return inbox.listConversations(store, userId, parseInput(conversationListSchema, query));
    },
    async readConversation(userId, input) {
      const { result, moved } = await inbox.readConversation(store, userId, parseInput(conversationReadSchema, input));
      if (moved) emitReadState(io, userId, result);
      return result;
    },
    async listNotifications(userId, query) {
      return inbox.listNotifications(store, userId, parseInput(notificationListSchema, query));
    },
    async readNotifications(userId, unchecked) {
      const input = parseInput(notificationReadSchema, unchecked);
      const { result, changedIds } = await inbox.readNotifications(store, userId, input);
      emitNotificationReadState(io, userId, changedIds, 'all' in input, result.unreadCount);
      return result;
    },
  };
}
