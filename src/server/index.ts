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
export { resolveJwtSecret, DEV_FALLBACK_SECRET } from './secret.js';
export { verifyToken, verificationKey, identityFromClaims, bearerToken, pinnedAlgorithms, AuthError } from './auth.js';
export type { JwtOptions, AuthIdentity, ProfileClaims } from './auth.js';
export { createMemoryStore } from './memory-store.js';
export type { MemoryStore } from './memory-store.js';
export type {
  SocketkitStore,
  MaybePromise,
  AppendMessageInput,
  AppendMessageResult,
  HistoryQuery,
  HistoryPage,
  CreateConversationInput,
} from './store.js';
export type { SeedData, SeedConversation, SeedMessage } from './seed-data.js';
export { DEFAULT_RATE_LIMIT, TokenBucket } from './rate-limit.js';
export type { RateLimitOptions } from './rate-limit.js';
export { consoleLogger, silentLogger } from './logger.js';
export type { SocketkitLogger } from './logger.js';
export { RequestError, HTTP_STATUS } from './errors.js';
export type { RequestErrorCode, RequestErrorOptions } from './errors.js';
export {
  requireParticipant,
  createConversation,
  historyPage,
  appendMessage,
  assertEmittableEvent,
  RESERVED_EVENTS,
  MAX_EVENT_NAME_LENGTH,
} from './operations.js';
export type { NewConversation, HistoryRequest } from './operations.js';
export { createServerApiHandler, serverApiRoutes, apiKeyMatches } from './server-api.js';
export type { ServerApiOptions } from './server-api.js';
export { dispatch, matchRoute, sendJson, sendError, readJsonBody, intParam, parseBody, requestUrl, MAX_BODY_BYTES } from './http.js';
export type { Route, RouteRequest, RouteAnswer } from './http.js';
export { startStandaloneServer, READY_PROBE_TIMEOUT_MS } from './standalone.js';
export type { StandaloneConfig, StandaloneServer, StorageConfig } from './standalone.js';
export { DEFAULT_CLIENT_URLS, resolveClientUrls, isAllowedOrigin, isLoopbackOrigin, createOriginPolicy } from './cors.js';
export type { OriginPolicy, OriginPolicyOptions } from './cors.js';
export { signToken, createTokenSigner } from './tokens.js';
export type { TokenClaims, TokenSigner, TokenSignerOptions } from './tokens.js';
export { sendToUser, broadcastToConversation } from './seed-compat.js';
export type { IoLike, BroadcastExclusion, ChatSocketServer } from './seed-compat.js';
export { presenceRoom } from './presence.js';
export { TYPING_REANNOUNCE_MS } from './typing.js';

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
