/**
 * `socketkit/server/portable`: the parts of the server that run anywhere
 * JavaScript runs (no Node APIs, no socket.io, no jsonwebtoken), for the
 * in-page server (`socketkit/mock-server/browser`). NOT a public API: names
 * here change without notice.
 *
 * This is the socket edge (`setupConnection` and its request handlers),
 * the operations and their schemas, presence, and the memory store: what
 * the in-page server shares with `createSocketkitServer`, so the protocol
 * has one implementation. What it leaves out needs Node: the Socket.IO
 * `Server` (an http.Server), JWT verification, the SQL stores and Redis.
 */
export { setupConnection, expireSocket, type ConnectionDeps } from './socket/connection.js';
export { TokenExpiries } from './socket/token-expiry.js';
export { UserBudgets, DEFAULT_USER_LIMITS } from './socket/user-budget.js';
export { PresenceVisibility, everyoneSeesPresence } from './presence/visibility.js';
export { DEFAULT_RATE_LIMIT } from './socket/rate-limit.js';
export {
  DEFAULT_PRESENCE_BATCH_MS,
  DEFAULT_PRESENCE_GRACE_MS,
  PresenceAnnouncer,
  PresenceTracker,
  presenceRoom,
  type PresenceBackend,
} from './presence/presence.js';
export { AuthError } from './auth/auth-error.js';
export type { AuthIdentity, ProfileClaims } from './auth/auth.js';
export { createMemoryStore } from './store/memory-store.js';
export type { MemoryStore } from './store/memory-store.js';
export type { SeedData, SeedConversation, SeedMessage } from './store/seed-data.js';
export type { SocketkitStore } from './store/store.js';
export { createConversation, historyPage, appendMessage } from './operations/operations.js';
export { RequestError, parseInput } from './operations/errors.js';
export { conversationCreateSchema, appendMessageSchema } from './operations/schemas.js';
export { silentLogger, consoleLogger, type SocketkitLogger } from './logger.js';
