import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { Socket } from 'socket.io';
import { LIMITS, conversationRoom, userRoom } from '../protocol/index.js';
import { AuthError, tokenFromHandshake, verificationKey, verifyToken, type AuthIdentity } from './auth.js';
import { setupConnection, type ConnectionDeps } from './connection.js';
import type { ConnectionContext } from './connection-context.js';
import { isAllowedOrigin, resolveClientUrls } from './cors.js';
import { boundOutboundBuffers, DEFAULT_MAX_OUTBOUND_BUFFER_BYTES } from './outbound-buffer.js';
import { consoleLogger, silentLogger } from './logger.js';
import { createMemoryStore } from './memory-store.js';
import { PresenceTracker } from './presence.js';
import { DEFAULT_RATE_LIMIT } from './rate-limit.js';
import { resolveJwtSecret } from './secret.js';
import type { SocketkitServer, SocketkitServerOptions } from './types.js';

/** Default grace before `user:offline`: long enough for a page reload, well under the protocol's 5 s. */
export const DEFAULT_PRESENCE_GRACE_MS = 2000;

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
  const io = ownsIo ? createIo(target, options) : target;
  const presence = new PresenceTracker(io, options.presenceGraceMs ?? DEFAULT_PRESENCE_GRACE_MS);
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
  };
  const identities = new WeakMap<Socket, AuthIdentity>();
  boundOutboundBuffers(io, options.maxOutboundBufferBytes ?? DEFAULT_MAX_OUTBOUND_BUFFER_BYTES, logger);

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
        if (code === 'TOKEN_EXPIRED') socket.emit('auth:expired', { at: new Date().toISOString() });
        socket.disconnect(true);
        return;
      }
    }
    socket.data.userId = identity.userId;
    socket.data.user = identity.profile;
    try {
      setupConnection(socket, identity, deps);
    } catch (error) {
      logger.error(`setting up socket ${socket.id} failed`, error);
      socket.disconnect(true);
    }
  });

  let closed = false;
  return {
    io,
    store,
    getActiveUserIds: () => presence.activeUserIds(),
    isUserOnline: (userId) => presence.isOnline(String(userId)),
    sendToUser(userId, event, data) {
      const room = userRoom(String(userId));
      const reached = io.sockets.adapter.rooms.get(room)?.size ?? 0;
      io.to(room).emit(event, data);
      return reached;
    },
    broadcastToConversation(conversationId, event, data, broadcast = {}) {
      const operator = io.to(conversationRoom(conversationId));
      (broadcast.exceptSocketId ? operator.except(broadcast.exceptSocketId) : operator).emit(event, data);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const ctx of connections) ctx.typing.dispose();
      presence.close();
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

function createIo(httpServer: HttpServer, options: SocketkitServerOptions): Server {
  const origins = resolveClientUrls(options.clientUrl);
  return new Server(httpServer, {
    path: options.path ?? '/socket.io',
    serveClient: false,
    maxHttpBufferSize: LIMITS.maxPayloadBytes,
    pingInterval: options.pingIntervalMs ?? 25_000,
    pingTimeout: options.pingTimeoutMs ?? 60_000,
    cors: {
      origin: (origin, callback) => callback(null, origin === undefined || isAllowedOrigin(origin, origins)),
      methods: ['GET', 'POST'],
      credentials: true,
    },
    ...(options.connectionStateRecovery
      ? { connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false } }
      : {}),
  });
}
