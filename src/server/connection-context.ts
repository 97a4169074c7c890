import type { Server, Socket } from 'socket.io';
import type { ConversationId, UserId } from '../protocol/index.js';
import type { SocketkitLogger } from './logger.js';
import type { PresenceBackend, WatchSet } from './presence.js';
import type { SocketkitStore } from './store.js';
import type { TypingState } from './typing.js';

/** Everything a request handler needs about one connected socket. */
export interface ConnectionContext {
  io: Server;
  socket: Socket;
  userId: UserId;
  store: SocketkitStore;
  presence: PresenceBackend;
  logger: SocketkitLogger;
  /** Users watched by this socket, by every source (explicit and joined conversations). */
  watches: WatchSet;
  /** Users watched through `presence:subscribe` (idempotent; released by `presence:unsubscribe`). */
  explicitWatches: Set<UserId>;
  /** Joined conversations → the other participants watched because of the join. */
  joined: Map<ConversationId, UserId[]>;
  typing: TypingState;
}
