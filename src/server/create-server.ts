import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { Socket } from 'socket.io';
import { LIMITS, conversationRoom, userRoom } from '../protocol/index.js';
import type { UserId } from '../protocol/index.js';
import { AuthError, tokenFromHandshake, verificationKey, verifyToken, type AuthIdentity } from './auth/auth.js';
import { emitThenDisconnect, expireSocket, prepareConnect, setupConnection, STORE_WAIT_BEFORE_CONNECT_MS, type ConnectionDeps, type PreparedEstablished } from './socket/connection.js';
import { TokenExpiries } from './socket/token-expiry.js';
import type { ConnectionContext } from './socket/connection-context.js';
import { createOriginPolicy, resolveClientUrls } from './http/cors.js';
import { coalesceWrites } from './socket/write-coalescing.js';
import { boundOutboundBuffers, DEFAULT_MAX_OUTBOUND_BUFFER_BYTES } from './socket/outbound-buffer.js';
import { consoleLogger, silentLogger, withDebug, type SocketkitLogger } from './logger.js';
import { createMemoryStore } from './store/memory-store.js';
import {
  DEFAULT_PRESENCE_BATCH_MS,
  DEFAULT_PRESENCE_GRACE_MS,
  PresenceAnnouncer,
  PresenceTracker,
  type PresenceBackend,
} from './presence/presence.js';
import { DEFAULT_RATE_LIMIT } from './socket/rate-limit.js';
import { requireJwtSecret } from './auth/secret.js';
import { checkServerOptions } from './options.js';
import { checkHandshakeAuth, HandshakeError } from './socket/handshake-auth.js';
import { DEFAULT_CONVERSATION_CREATE_LIMIT, DEFAULT_USER_LIMITS, PerUserRateLimit, UserBudgets } from './socket/user-budget.js';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_PENDING_SESSIONS,
  DEFAULT_MAX_PENDING_SESSIONS_PER_ADDRESS,
  PendingSessions,
} from './socket/pending-sessions.js';
import { PresenceVisibility } from './presence/visibility.js';
import { ListenedConversations } from './presence/listened-conversations.js';
import type { OnlineUsersPage, SocketkitServer, SocketkitServerOptions } from './types.js';
import { RequestError, parseInput } from './operations/errors.js';
import { appendMessageSchema, newConversationSchema } from './operations/schemas.js';
import * as operations from './operations/operations.js';
import type { AppendMessageInput, AppendMessageResult } from './store/store.js';
import { createInboxMethods } from './inbox-methods.js';
import { emitConversationUpdated } from './socket/inbox-events.js';
import { broadcastToConversation, isIoArgument, sendToUser, type BroadcastExclusion } from './seed-compat.js';

export { DEFAULT_PRESENCE_BATCH_MS, DEFAULT_PRESENCE_GRACE_MS };

/**
 * Attaches socketkit to an `http.Server` (socketkit creates the Socket.IO
 * server) or to your own Socket.IO `Server` (socketkit adds its middleware
 * and handlers beside yours).
 *
 * @example
 * const httpServer = http.createServer(app);
 * const socketkit = createSocketkitServer(httpServer, { clientUrl: 'https://app.example.com' });
 * httpServer.listen(3001);
 * socketkit.sendToUser('alice', 'notification:new', { id: 'n1', title: 'Hi', body: '…', createdAt: new Date().toISOString() });
 * @throws TypeError naming the option when an option has the wrong type (`options.clientUrl: …`).
 */
export function createSocketkitServer(target: HttpServer | Server, options: SocketkitServerOptions = {}): SocketkitServer {
  // A wrong option is a TypeError naming it, before anything starts (JavaScript callers, config files).
  checkServerOptions('createSocketkitServer', target, options);
  // Read the secret now (not at import), and fail before accepting anyone.
  // No secret, no server: a library default secret would be public (issue 24 #6).
  const secret = typeof options.secret === 'function' ? options.secret() : (options.secret ?? requireJwtSecret());
  const key = verificationKey(secret, options.jwt);
  const logger = options.quiet ? silentLogger : withDebug(options.logger ?? consoleLogger, options.debug === true);
  const store = options.store ?? createMemoryStore();
  const ownsIo = !(target instanceof Server);
  const pendingSessions = new PendingSessions(
    options.maxPendingSessions ?? DEFAULT_MAX_PENDING_SESSIONS,
    options.maxPendingSessionsPerAddress ?? DEFAULT_MAX_PENDING_SESSIONS_PER_ADDRESS,
  );
  const io = ownsIo ? createIo(target, options, logger, pendingSessions) : target;
  if (io.engine) pendingSessions.track(io);
  const graceMs = options.presenceGraceMs ?? DEFAULT_PRESENCE_GRACE_MS;
  // Your own Server joins the cluster too (before any socket connects).
  if (options.cluster && !ownsIo && options.cluster.adapter) io.adapter(options.cluster.adapter);
  const listened = options.cluster ? null : new ListenedConversations(io);
  const presence: PresenceBackend = options.cluster
    ? options.cluster.createPresence(io, { graceMs, logger, store })
    : new PresenceTracker(
        new PresenceAnnouncer(io, {
          store,
          logger,
          local: true,
          batchMs: options.presenceBatchMs ?? DEFAULT_PRESENCE_BATCH_MS,
          ...(listened ? { listened } : {}),
        }),
        graceMs,
      );
  const budgets = new UserBudgets({
    maxSocketsPerUser: options.maxSocketsPerUser ?? DEFAULT_USER_LIMITS.maxSocketsPerUser,
    maxWatchesPerUser: options.maxWatchesPerUser ?? DEFAULT_USER_LIMITS.maxWatchesPerUser,
    maxPendingRequestsPerUser: options.maxPendingRequestsPerUser ?? DEFAULT_USER_LIMITS.maxPendingRequestsPerUser,
  });
  const createLimit = options.conversationCreateLimit ?? DEFAULT_CONVERSATION_CREATE_LIMIT;
  const connections = new Set<ConnectionContext>();
  const deps: ConnectionDeps = {
    io,
    store,
    presence,
    logger,
    rateLimit: options.rateLimit === false ? false : (options.rateLimit ?? DEFAULT_RATE_LIMIT),
    typingTimeoutMs: options.typingTimeoutMs ?? LIMITS.typingTimeoutMs,
    connections,
    fallbackStoreId: randomUUID(),
    expiries: new TokenExpiries<Socket>(expireSocket),
    budgets,
    visibility: new PresenceVisibility(store, options.canSeePresence),
    listened,
    creations: createLimit === false ? null : new PerUserRateLimit(createLimit),
  };
  const identities = new WeakMap<Socket, AuthIdentity>();
  const established = new WeakMap<Socket, PreparedEstablished | Promise<PreparedEstablished>>();
  boundOutboundBuffers(io, options.maxOutboundBufferBytes ?? DEFAULT_MAX_OUTBOUND_BUFFER_BYTES, logger);
  // A Server of your own may not be attached to an HTTP server yet (no engine).
  if (ownsIo) coalesceWrites(io);

  const authenticate = (socket: Socket): AuthIdentity => {
    // Shape, depth and size first: nothing else reads `auth` before this (issue 24 #1).
    checkHandshakeAuth(socket.handshake.auth);
    return verifyToken(tokenFromHandshake(socket.handshake), key, tokenPolicy);
  };
  const tokenPolicy = { ...options.jwt, maxTokenLifetimeS: options.maxTokenLifetimeS };

  io.use((socket, next) => {
    let identity: AuthIdentity;
    try {
      identity = authenticate(socket);
    } catch (error) {
      const refusal =
        error instanceof AuthError || error instanceof HandshakeError ? error : new AuthError('TOKEN_INVALID', 'verification failed');
      logger.warn({ code: refusal.data.code, address: socket.handshake.address, reason: refusal.message }, 'reject');
      next(refusal);
      return;
    }
    if (!budgets.canOpenSocket(identity.userId)) {
      next(tooManySockets(budgets.limits.maxSocketsPerUser));
      return;
    }
    identities.set(socket, identity);
    // The profile upsert and what connection:established carries, asked before the CONNECT answer
    // so both leave in one write; a connect storm's queries go together in the store's batches.
    const prepared = prepareConnect(socket, identity, deps);
    if (!(prepared instanceof Promise)) {
      established.set(socket, prepared);
      next();
      return;
    }
    // A store that is slow to answer holds the CONNECT at most STORE_WAIT_BEFORE_CONNECT_MS;
    // connection:established then follows once it answers (announceEstablished).
    let answered = false;
    const proceed = (answer: PreparedEstablished | Promise<PreparedEstablished>) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      established.set(socket, answer);
      next();
    };
    const timer = setTimeout(() => proceed(prepared), STORE_WAIT_BEFORE_CONNECT_MS);
    prepared.then(proceed, () => proceed(prepared));
  });

  io.on('connection', (socket) => {
    let identity = identities.get(socket);
    identities.delete(socket);
    if (!identity) {
      // Connection state recovery skips middlewares: authenticate the recovered socket again.
      try {
        identity = authenticate(socket);
      } catch (error) {
        const code = error instanceof AuthError ? error.code : 'TOKEN_INVALID';
        logger.warn({ socketId: socket.id, code }, 'reject recovered socket');
        if (code === 'TOKEN_EXPIRED') emitThenDisconnect(socket, 'auth:expired', { at: new Date().toISOString() });
        else socket.disconnect(true);
        return;
      }
    }
    // Plain JSON only in socket.data: a cluster adapter saves it in Redis (msgpack) on every
    // recoverable disconnect, and a Map, timer or socket there throws in its encoder.
    pendingSessions.connected(socket.conn);
    if (!budgets.openSocket(identity.userId)) {
      logger.warn(`reject socket ${socket.id} of ${identity.userId}: over ${budgets.limits.maxSocketsPerUser} sockets`);
      emitThenDisconnect(socket, 'connection:error', {
        code: 'RATE_LIMITED',
        message: `At most ${budgets.limits.maxSocketsPerUser} sockets per user`,
        event: 'connect',
      });
      return;
    }
    socket.data.userId = identity.userId;
    socket.data.user = identity.profile;
    try {
      const prepared = established.get(socket);
      established.delete(socket);
      setupConnection(socket, identity, deps, prepared);
    } catch (error) {
      logger.error({ socketId: socket.id, err: error }, 'setting up the socket failed');
      socket.disconnect(true);
    }
  });

  const disconnectUser = async (userId: UserId): Promise<number> => {
    const sockets = await io.in(userRoom(userId)).fetchSockets();
    for (const socket of sockets) socket.disconnect(true);
    if (sockets.length > 0) logger.info(`disconnected ${sockets.length} socket(s) of ${userId} on request`);
    return sockets.length;
  };

  // `createConversation` and `postMessage` are an edge (an app's or the server API's unchecked input): parsed here, once.
  const postMessage = async (unchecked: AppendMessageInput): Promise<AppendMessageResult> => {
    const input = parseInput(appendMessageSchema, unchecked);
    const result = await operations.appendMessage(store, input);
    if (result.created) {
      io.to(conversationRoom(input.conversationId)).emit('message:new', result.message);
      const conversation = await store.getConversation(input.conversationId);
      if (conversation) emitConversationUpdated(io, result.message, conversation.participantIds);
    }
    return result;
  };

  let closed = false;
  return {
    io,
    store,
    // async: a parse failure is a rejection, as from every other SocketkitServer operation.
    createConversation: async (unchecked) => operations.createConversation(store, parseInput(newConversationSchema, unchecked)),
    postMessage,
    ...createInboxMethods(io, store, options.cluster !== undefined),
    getUserPresence: (userId) => Promise.resolve(presence.state(userId)),
    listOnlineUsers(query = {}) {
      const limit = Math.min(query.limit ?? LIMITS.maxPresenceIds, LIMITS.maxPresenceIds);
      const page: OnlineUsersPage = presence.list(query.cursor, limit);
      const last = page.users[page.users.length - 1];
      if (page.hasMore && last) page.nextCursor = last.userId;
      return Promise.resolve(page);
    },
    async emitToUser(userId, event, data) {
      operations.assertEmittableEvent(event);
      io.to(userRoom(userId)).emit(event, data);
    },
    async emitToConversation(conversationId, event, data, emit = {}) {
      operations.assertEmittableEvent(event);
      if (!(await store.getConversation(conversationId))) {
        throw new RequestError('NOT_FOUND', `Conversation ${conversationId} not found`);
      }
      const operator = io.to(conversationRoom(conversationId));
      (emit.exceptUserId === undefined ? operator : operator.except(userRoom(emit.exceptUserId))).emit(event, data);
    },
    disconnectUser,
    getActiveUserIds: () => presence.activeUserIds(),
    isUserOnline: (userId) => presence.isOnline(String(userId)),
    // The seed passed `io` first: accepted (seed-compat.ts), as is a bare user id to exclude.
    sendToUser: (...args: unknown[]) =>
      isIoArgument(args[0])
        ? sendToUser(...(args as Parameters<typeof sendToUser>))
        : sendToUser(io, ...(args as [string, string, unknown])),
    broadcastToConversation: (...args: unknown[]) =>
      isIoArgument(args[0])
        ? broadcastToConversation(...(args as Parameters<typeof broadcastToConversation>))
        : broadcastToConversation(io, ...(args as [string, string, unknown, BroadcastExclusion?])),
    async close() {
      if (closed) return;
      closed = true;
      for (const ctx of connections) ctx.typing?.dispose();
      deps.expiries.close();
      await presence.close();
      if (ownsIo) {
        await new Promise<void>((resolve) => {
          void io.close(() => resolve());
        });
      } else {
        io.disconnectSockets(true);
      }
    },
  };
}

/** The handshake refusal of a user at `maxSocketsPerUser` (a client retries with its backoff). */
function tooManySockets(max: number): Error & { data: { code: 'RATE_LIMITED' } } {
  return Object.assign(new Error(`Too many connections: at most ${max} sockets per user`), { data: { code: 'RATE_LIMITED' as const } });
}

function createIo(httpServer: HttpServer, options: SocketkitServerOptions, logger: SocketkitLogger, pending: PendingSessions): Server {
  const clientUrls = resolveClientUrls(options.clientUrl);
  const allowOrigin = options.allowOrigin ?? createOriginPolicy({ clientUrls, logger });
  // `*` reflects any origin: never with credentials (cookies) then. socketkit's token travels in `auth`, not a cookie.
  const anyOrigin = options.allowOrigin === undefined && clientUrls.includes('*');
  if (anyOrigin) logger.warn('CLIENT_URL=*: any web page may open sockets here (with its user\'s token); CORS credentials are off');
  return new Server(httpServer, {
    path: options.path ?? '/socket.io',
    serveClient: false,
    maxHttpBufferSize: LIMITS.maxPayloadBytes,
    // A session that shows no token within this long is closed; at most `maxPendingSessions` wait at once (issue 24 #7).
    connectTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    // WebSocket handshakes skip CORS: the Origin a browser sends is checked here for every transport.
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      if (origin !== undefined && !allowOrigin(origin)) callback('Origin not allowed', false);
      else pending.allowRequest(req, callback);
    },
    pingInterval: options.pingIntervalMs ?? 25_000,
    pingTimeout: options.pingTimeoutMs ?? 60_000,
    cors: {
      origin: (origin, callback) => callback(null, origin === undefined || allowOrigin(origin)),
      methods: ['GET', 'POST'],
      credentials: !anyOrigin,
    },
    ...(options.cluster ? { adapter: options.cluster.adapter } : {}),
    ...((options.connectionStateRecovery ?? options.cluster !== undefined)
      ? { connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false } }
      : {}),
  });
}
