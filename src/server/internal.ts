/**
 * `socketkit/server/internal`: the parts of the server that the bundled mock
 * server (and socketkit's own tests) build on, and apps do not need. NOT a
 * public API: names here change without notice. Use `socketkit/server`.
 *
 * It re-exports the public entry too, so the mock server imports one entry
 * and its build holds one copy of each class (`RequestError`, `AuthError`):
 * `instanceof` holds between what the operations throw and what the HTTP
 * plumbing catches.
 */
export * from './index.js';
export {
  requireParticipant,
  createConversation,
  historyPage,
  appendMessage,
  assertEmittableEvent,
} from './operations/operations.js';
export type { NewConversation, HistoryRequest } from './operations/operations.js';
export { parseInput, validationError } from './operations/errors.js';
export { conversationCreateSchema } from './operations/schemas.js';
export { serverApiRoutes, apiKeyMatches } from './http/server-api.js';
export { userApiRoutes, bearerAuthenticator } from './http/user-api.js';
export type { BearerAuthenticator } from './http/user-api.js';
export { notifySchema } from './operations/schemas.js';
export { dispatch, matchRoute, sendJson, sendError, readJsonBody, intParam, parseBody, requestUrl, MAX_BODY_BYTES } from './http/routing.js';
export type { Route, RouteRequest, RouteAnswer } from './http/routing.js';
export { createHttpListener, closeHttpListener, healthRoute } from './http/listener.js';
export type { HttpListener, ListenOptions } from './http/listener.js';
export { READY_PROBE_TIMEOUT_MS } from './standalone.js';
export { isAllowedOrigin, isLoopbackOrigin } from './http/cors.js';
export { verificationKey, identityFromClaims, bearerToken, pinnedAlgorithms } from './auth/auth.js';
export { TokenBucket } from './socket/rate-limit.js';
export { presenceRoom } from './presence/presence.js';
export { TYPING_REANNOUNCE_MS } from './socket/typing.js';
