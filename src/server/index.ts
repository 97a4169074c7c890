/**
 * `socketkit/server`: attach socketkit to your own `http.Server` or
 * Socket.IO `Server`. See docs/server.md.
 */
import type { Server as HttpServer } from 'node:http';
import { createSocketkitServer } from './create-server.js';
import type { SocketkitServerOptions } from './types.js';
import { withIoOperators, type ChatSocketServer } from './seed-compat.js';

export { createSocketkitServer, DEFAULT_PRESENCE_GRACE_MS } from './create-server.js';
export type {
  SocketkitServer,
  SocketkitServerOptions,
  BroadcastOptions,
  OnlineUsersPage,
  ConversationEmitOptions,
} from './types.js';
export { resolveJwtSecret, requireJwtSecret, DEV_FALLBACK_SECRET } from './auth/secret.js';
export { verifyToken, AuthError, DEFAULT_MAX_TOKEN_LIFETIME_S } from './auth/auth.js';
export type { TokenPolicy } from './auth/auth.js';
export { everyoneSeesPresence } from './presence/visibility.js';
export type { CanSeePresence } from './presence/visibility.js';
export { DEFAULT_USER_LIMITS, DEFAULT_CONVERSATION_CREATE_LIMIT } from './socket/user-budget.js';
export type { UserLimits } from './socket/user-budget.js';
export { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_MAX_PENDING_SESSIONS } from './socket/pending-sessions.js';
export { STORE_WAIT_BEFORE_CONNECT_MS } from './socket/connection.js';
export type { JwtOptions, AuthIdentity, ProfileClaims } from './auth/auth.js';
export { signToken, createTokenSigner } from './auth/tokens.js';
export type { TokenClaims, TokenSigner, TokenSignerOptions } from './auth/tokens.js';
export { createMemoryStore } from './store/memory-store.js';
export type { MemoryStore } from './store/memory-store.js';
export type {
  SocketkitStore,
  MaybePromise,
  AppendMessageInput,
  AppendMessageResult,
  HistoryQuery,
  HistoryPage,
  CreateConversationInput,
} from './store/store.js';
export type { SeedData, SeedConversation, SeedMessage, SeedUser, SeedId } from './store/seed-data.js';
export { DEFAULT_RATE_LIMIT } from './socket/rate-limit.js';
export type { RateLimitOptions } from './socket/rate-limit.js';
export { consoleLogger, silentLogger } from './logger.js';
export type { LogFields, SocketkitLogger } from './logger.js';
export { RequestError, HTTP_STATUS } from './operations/errors.js';
export type { RequestErrorCode, RequestErrorOptions } from './operations/errors.js';
export { RESERVED_EVENTS, MAX_EVENT_NAME_LENGTH } from './operations/operations.js';
export { createServerApiHandler } from './http/server-api.js';
export type { ServerApiOptions } from './http/server-api.js';
export { attachAdminUi, ADMIN_UI_LOGIN_LIMIT, DEFAULT_ADMIN_UI_NAMESPACE } from './admin-ui.js';
export type { AdminUiOptions } from './admin-ui.js';
export { startStandaloneServer } from './standalone.js';
export type { StandaloneConfig, StandaloneServer, StorageConfig } from './standalone.js';
export { DEFAULT_CLIENT_URLS, resolveClientUrls, createOriginPolicy } from './http/cors.js';
export type { OriginPolicy, OriginPolicyOptions } from './http/cors.js';
export { sendToUser, broadcastToConversation, getActiveUserIds, isUserOnline } from './seed-compat.js';
export type { IoLike, BroadcastExclusion, ChatSocketServer } from './seed-compat.js';

/**
 * The seed's name for `createSocketkitServer(httpServer, options)`. The result
 * is the socketkit server plus the seed's `chatIO.to(room).emit(…)` (also `in`,
 * `except`, `emit`), bound to its Socket.IO server.
 *
 * @example
 * const chatIO = initializeChatSocket(httpServer);
 * chatIO.to('conversation:42').emit('message:new', message); // the seed's call
 * chatIO.sendToUser('alice', 'notification:new', notification);
 */
export function initializeChatSocket(httpServer: HttpServer, options?: SocketkitServerOptions): ChatSocketServer {
  return withIoOperators(createSocketkitServer(httpServer, options));
}
