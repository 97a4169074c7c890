/**
 * socketkit: the framework-agnostic realtime client.
 *
 * @example
 * import { createRealtimeClient } from 'socketkit';
 * const client = createRealtimeClient({ url: 'http://localhost:3001', getToken });
 * const room = client.conversation('general');
 * const leave = room.join();
 * room.subscribe(() => render(room.getSnapshot().messages));
 */
export { createRealtimeClient } from './client.js';
export { RealtimeError } from './errors.js';
export { computeBackoffDelay } from './backoff.js';
export { createStore, batch, type Store } from './store.js';
export { releaseLater } from './release-later.js';
export { transition, toStatus, type ConnectionState, type ConnectionEvent, type TransitionFacts } from './connection-machine.js';
export { RESERVED_EVENT_NAMES } from './emit-queue.js';
export { MAX_WAITING_READS } from './read-queue.js';
// The inbox (protocol 1.2): made per client on first use, absent from apps that never call these.
export { getConversationList } from './conversation-list.js';
export { markConversationRead } from './mark-read.js';
export { getNotificationInbox, MAX_INBOX_NOTIFICATIONS } from './notification-inbox.js';
export { getReadReceipts, MAX_RECEIPT_CONVERSATIONS } from './read-receipts.js';
export { TYPING_THROTTLE_MS, TYPING_IDLE_MS, TYPING_EXPIRY_MS, MAX_CATCH_UP } from './conversation.js';
export { MAX_SEND_ATTEMPTS } from './outbox.js';
export {
  inspectClient,
  type ClientInspection,
  type OutboxItemInspection,
  type ConversationInspection,
  type PresenceWatchInspection,
} from './inspect.js';
export type * from './types.js';
export type {
  Message,
  UserId,
  ConversationId,
  Conversation,
  PresenceState,
  Notification,
  UserProfile,
  ErrorCode,
  AuthErrorCode,
  ServerEventMap,
  RequestEvent,
  RequestMap,
  IsoDate,
  OnlineUser,
  ConversationSummary,
  StoredNotification,
} from '../protocol/index.js';
