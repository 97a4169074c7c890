import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { Socket } from 'socket.io';
import { LIMITS, conversationRoom, userRoom } from '../protocol/index.js';
import { AuthError, tokenFromHandshake, verificationKey, verifyToken, type AuthIdentity } from './auth/auth.js';
import { emitThenDisconnect, expireSocket, setupConnection, type ConnectionDeps } from './socket/connection.js';
import { TokenExpiries } from './socket/token-expiry.js';
import type { ConnectionContext } from './socket/connection-context.js';
import { createOriginPolicy, resolveClientUrls } from './http/cors.js';
import { coalesceWrites } from './socket/write-coalescing.js';
import { boundOutboundBuffers, DEFAULT_MAX_OUTBOUND_BUFFER_BYTES } from './socket/outbound-buffer.js';
import { consoleLogger, silentLogger, type SocketkitLogger } from './logger.js';
import { createMemoryStore } from './store/memory-store.js';
import { PresenceAnnouncer, PresenceTracker, type PresenceBackend } from './presence/presence.js';
import { DEFAULT_RATE_LIMIT } from './socket/rate-limit.js';
import { resolveJwtSecret } from './auth/secret.js';
import type { OnlineUsersPage, SocketkitServer, SocketkitServerOptions } from './types.js';
import { RequestError, parseInput } from './operations/errors.js';
import { appendMessageSchema, newConversationSchema } from './operations/schemas.js';
import * as operations from './operations/operations.js';
import type { AppendMessageInput, AppendMessageResult } from './store/store.js';
import { createInboxMethods } from './inbox-methods.js';
import { emitConversationUpdated } from './socket/inbox-events.js';
import { broadcastToConversation, isIoArgument, sendToUser, type BroadcastExclusion } from './seed-compat.js';

/** Default grace before `user:offline`: long enough for a page reload, well under the protocol's 5 s. */
export const DEFAULT_PRESENCE_GRACE_MS = 2000;
/** Default `presenceBatchMs`: presence changes owed to a v1.1 socket are coalesced over this window. */
export const DEFAULT_PRESENCE_BATCH_MS = 50;

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
 */
export function createSocketkitServer(target: HttpServer | Server, options: SocketkitServerOptions = {}): SocketkitServer {
  // Read the secret now (not at import), and fail before accepting anyone.
  const secret = typeof options.secret === 'function' ? options.secret() : (options.secret ?? resolveJwtSecret());
  const key = verificationKey(secret, options.jwt);
  const logger = options.quiet ? silentLogger : (options.logger ?? consoleLogger);
  const store = options.store ?? createMemoryStore();
  const ownsIo = !(target instanceof Server);
  const io = ownsIo ? createIo(target, options, logger) : target;
  const graceMs = options.presenceGraceMs ?? DEFAULT_PRESENCE_GRACE_MS;
  // Your own Server joins the cluster too (before any socket connects).
  if (options.cluster && !ownsIo && options.cluster.adapter) io.adapter(options.cluster.adapter);
  const presence: PresenceBackend = options.cluster
    ? options.cluster.createPresence(io, { graceMs, logger, store })
    : new PresenceTracker(
        new PresenceAnnouncer(io, { store, logger, local: true, batchMs: options.presenceBatchMs ?? DEFAULT_PRESENCE_BATCH_MS }),
        graceMs,
      );
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
  };
  const identities = new WeakMap<Socket, AuthIdentity>();
  boundOutboundBuffers(io, options.maxOutboundBufferBytes ?? DEFAULT_MAX_OUTBOUND_BUFFER_BYTES, logger);
  // A Server of your own may not be attached to an HTTP server yet (no engine).
  if (ownsIo) coalesceWrites(io);

  const authenticate = (socket: Socket): AuthIdentity =>
    verifyToken(tokenFromHandshake(socket.handshake), key, options.jwt);

  io.use((socket, next) => {
    try {
      identities.set(socket, authenticate(socket));
      next();
    } catch (error) {
      const authError = error instanceof AuthError ? error : new AuthError('TOKEN_INVALID', 'verification failed');
      logger.warn(`reject ${authError.code} from ${socket.handshake.address}: ${authError.message}`);
      next(authError);
    }
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
        logger.warn(`reject recovered socket ${socket.id}: ${code}`);
        if (code === 'TOKEN_EXPIRED') emitThenDisconnect(socket, 'auth:expired', { at: new Date().toISOString() });
        else socket.disconnect(true);
        return;
      }
    }
    // Plain JSON only in socket.data: a cluster adapter saves it in Redis (msgpack) on every
    // recoverable disconnect, and a Map, timer or socket there throws in its encoder.
    socket.data.userId = identity.userId;
    socket.data.user = identity.profile;
    try {
      setupConnection(socket, identity, deps);
    } catch (error) {
      logger.error(`setting up socket ${socket.id} failed`, error);
      socket.disconnect(true);
    }
  });

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

function createIo(httpServer: HttpServer, options: SocketkitServerOptions, logger: SocketkitLogger): Server {
  const allowOrigin = options.allowOrigin ?? createOriginPolicy({ clientUrls: resolveClientUrls(options.clientUrl), logger });
  return new Server(httpServer, {
    path: options.path ?? '/socket.io',
    serveClient: false,
    maxHttpBufferSize: LIMITS.maxPayloadBytes,
    pingInterval: options.pingIntervalMs ?? 25_000,
    pingTimeout: options.pingTimeoutMs ?? 60_000,
    cors: {
      origin: (origin, callback) => callback(null, origin === undefined || allowOrigin(origin)),
      methods: ['GET', 'POST'],
      credentials: true,
    },
    ...(options.cluster ? { adapter: options.cluster.adapter } : {}),
    ...((options.connectionStateRecovery ?? options.cluster !== undefined)
      ? { connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false } }
      : {}),
  });
}
