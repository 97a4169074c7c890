import type { Server, Socket } from 'socket.io';
import type { ConversationId, UserId } from '../../protocol/index.js';
import type { SocketkitLogger } from '../logger.js';
import type { PresenceBackend } from '../presence/presence.js';
import type { SocketkitStore } from '../store/store.js';
import type { TypingState } from './typing.js';
import type { UserBudgets } from './user-budget.js';
import type { PresenceVisibility } from '../presence/visibility.js';
import type { ListenedConversations } from '../presence/listened-conversations.js';
import type { PerUserRateLimit } from './user-budget.js';

/** Everything a request handler needs about one connected socket. */
export interface ConnectionContext {
  io: Server;
  socket: Socket;
  userId: UserId;
  store: SocketkitStore;
  presence: PresenceBackend;
  logger: SocketkitLogger;
  /**
   * Users watched through `presence:subscribe` (idempotent; released by
   * `presence:unsubscribe`), each a `presence:<userId>` room of the socket.
   * Created on first use.
   */
  explicitWatches: Set<UserId> | null;
  /**
   * Joined conversations. Joining one watches its participants without a
   * room per user: their changes are sent to the conversation's room
   * (`PresenceAnnouncer`). Created on first use.
   */
  joined: Set<ConversationId> | null;
  /** Created by the first `typing:start` (most sockets never type). */
  typing: TypingState | null;
  /** Per-socket typing timeout, ms (for creating `typing`). */
  typingTimeoutMs: number;
  /** What each user holds across their sockets (sockets, watches, requests in flight). */
  budgets: UserBudgets;
  /** Whose presence this user may see. */
  visibility: PresenceVisibility;
  /** One node: conversations joined here, for presence delivery (null in a cluster). */
  listened: ListenedConversations | null;
  /** `conversation:create` per user (over all their sockets and reconnects), or null when unlimited. */
  creations: PerUserRateLimit | null;
}
