import type { Server, Socket } from 'socket.io';
import { conversationRoom, userRoom } from '../protocol/index.js';
import type { Ack, ConnectionErrorPayload, ProtocolError, RequestEvent } from '../protocol/index.js';
import type { ConnectionContext } from './connection-context.js';
import { RequestError, toProtocolError } from './errors.js';
import type { SocketkitLogger } from './logger.js';
import { PRESENCE_BATCH_ROOM, presenceRoom, wantsPresenceBatches, type PresenceBackend } from './presence.js';
import { TokenBucket, type RateLimitOptions } from './rate-limit.js';
import { isRequestEvent, requestHandlers } from './requests.js';
import type { SocketkitStore } from './store.js';
import { TypingState } from './typing.js';
import type { AuthIdentity } from './auth.js';

/** Shared by every connection of one socketkit server. */
export interface ConnectionDeps {
  io: Server;
  store: SocketkitStore;
  presence: PresenceBackend;
  logger: SocketkitLogger;
  rateLimit: RateLimitOptions | false;
  typingTimeoutMs: number;
  /** Live connections, so `close()` can drop their timers. */
  connections: Set<ConnectionContext>;
  /** `storeId` sent when the store has no `getStoreId()`: one random id per server instance. */
  fallbackStoreId: string;
}

/** Emits `connection:established`, with the store's identity (server-v1.md, "Durability"). */
function announceEstablished(socket: Socket, userId: string, deps: ConnectionDeps): void {
  const established = (storeId: string) =>
    socket.emit('connection:established', { userId, socketId: socket.id, serverTime: new Date().toISOString(), storeId });
  const storeId = deps.store.getStoreId ? deps.store.getStoreId() : deps.fallbackStoreId;
  if (typeof storeId === 'string') {
    established(storeId);
    return;
  }
  storeId.then(established, (error: unknown) => {
    deps.logger.error('store id unavailable, connection:established sent without it', error);
    socket.emit('connection:established', { userId, socketId: socket.id, serverTime: new Date().toISOString() });
  });
}

/**
 * A token expiry further away than this is re-armed in steps of this length:
 * timers of one duration share one Node timer list, where a delay of its own
 * per socket costs a list per socket (and `setTimeout` caps at ~24.8 days).
 */
const EXPIRY_STEP_MS = 60_000;
const PRESENCE_PREFIX = presenceRoom('');
const CONVERSATION_PREFIX = conversationRoom('');
/** At most one `connection:error` RATE_LIMITED per socket per this long, so a flood is not echoed back. */
const RATE_NOTICE_INTERVAL_MS = 1000;

type AckFn = (response: Ack) => void;
type Fail = (event: string, ack: AckFn | undefined, error: ProtocolError) => void;

/**
 * One listener per request event for the whole server, finding its socket's
 * context through `this` (EventEmitter calls listeners on the emitter),
 * instead of ten closures per socket: ≈ 1.7 KB less heap per connection.
 * Listeners (unlike `onAny`) run after every middleware, an app's included.
 */
const requestTargets = new WeakMap<Socket, { ctx: ConnectionContext; fail: Fail }>();
const requestListeners = (Object.keys(requestHandlers) as RequestEvent[]).map(
  (event) =>
    [
      event,
      function (this: Socket, ...args: unknown[]) {
        const target = requestTargets.get(this);
        if (target) void handleRequest(target.ctx, event, args, target.fail);
      },
    ] as const,
);

/** Wires one authenticated socket: rooms, presence, request handlers, typing, token expiry. */
export function setupConnection(socket: Socket, identity: AuthIdentity, deps: ConnectionDeps): void {
  const { io, presence, logger } = deps;
  const { userId } = identity;
  const ctx: ConnectionContext = {
    io,
    socket,
    userId,
    store: deps.store,
    presence,
    logger,
    explicitWatches: null,
    joined: null,
    typing: new TypingState(io, socket, userId, deps.typingTimeoutMs),
  };
  deps.connections.add(ctx);

  const fail = (event: string, ack: AckFn | undefined, error: ProtocolError): void => {
    if (ack) {
      ack({ ok: false, error });
      return;
    }
    const payload: ConnectionErrorPayload = { ...error, event: event.slice(0, 128) };
    socket.emit('connection:error', payload);
  };

  // Every inbound packet passes here before any listener runs: the rate
  // limit first, then a check that somebody (socketkit or the app) listens.
  // (`onAny` would run before middlewares and so escape the rate limit.)
  const bucket = deps.rateLimit ? new TokenBucket(deps.rateLimit) : null;
  let lastNoticeAt = 0;
  socket.use((packet, next) => {
    const event = String(packet[0]);
    const last = packet[packet.length - 1];
    const ack = typeof last === 'function' ? (last as AckFn) : undefined;
    const retryAfterMs = bucket ? bucket.take() : 0;
    if (retryAfterMs > 0) {
      const now = Date.now();
      if (!ack && now - lastNoticeAt < RATE_NOTICE_INTERVAL_MS) return;
      lastNoticeAt = now;
      fail(event, ack, { code: 'RATE_LIMITED', message: 'Too many requests', retryAfterMs });
      return;
    }
    // 'error' is the server-side error channel of a Socket.IO socket (middleware
    // failures); a client must not be able to trigger its listeners.
    if (isRequestEvent(event) || (event !== 'error' && socket.listeners(event).length > 0)) {
      next();
      return;
    }
    fail(event, ack, { code: 'BAD_REQUEST', message: `Unknown event ${event.slice(0, 64)}` });
  });

  requestTargets.set(socket, { ctx, fail });
  for (const [event, listener] of requestListeners) socket.on(event, listener);

  if (socket.recovered) restoreRecoveredState(ctx);
  // Protocol v1.1 (negotiated in the handshake): presence arrives as `presence:changes` batches.
  void socket.join(wantsPresenceBatches(socket.handshake.auth) ? [userRoom(userId), PRESENCE_BATCH_ROOM] : userRoom(userId));
  presence.connect(userId);
  Promise.resolve(deps.store.upsertUser(identity.profile)).catch((error: unknown) =>
    logger.error(`store.upsertUser failed for ${userId}`, error),
  );

  const expiryTimer = identity.expiresAt === null ? null : armExpiry(socket, identity.expiresAt, logger, userId);

  socket.on('disconnect', (reason) => {
    deps.connections.delete(ctx);
    if (expiryTimer) clearTimeout(expiryTimer.current);
    ctx.typing.stopAll();
    presence.disconnect(userId);
    logger.info(`disconnect ${userId} (socket ${socket.id}, ${reason})`);
  });

  announceEstablished(socket, userId, deps);
  logger.info(`connect ${userId} (socket ${socket.id}, ${socket.conn.transport.name})`);
}

/**
 * A socket restored by connection state recovery is back in its rooms, but
 * this server's bookkeeping for it is new: rebuild the explicit watches and
 * the joined conversations from the rooms so leave/unsubscribe keep working.
 */
function restoreRecoveredState(ctx: ConnectionContext): void {
  for (const room of ctx.socket.rooms) {
    if (room.startsWith(PRESENCE_PREFIX)) (ctx.explicitWatches ??= new Set()).add(room.slice(PRESENCE_PREFIX.length));
  }
  for (const room of ctx.socket.rooms) {
    if (!room.startsWith(CONVERSATION_PREFIX)) continue;
    const conversationId = room.slice(CONVERSATION_PREFIX.length);
    Promise.resolve(ctx.store.getConversation(conversationId))
      .then((conversation) => {
        if (!conversation || !conversation.participantIds.includes(ctx.userId)) {
          void ctx.socket.leave(room);
          return;
        }
        (ctx.joined ??= new Set()).add(conversationId);
      })
      .catch((error: unknown) => ctx.logger.error(`restoring ${room} for ${ctx.userId} failed`, error));
  }
}

async function handleRequest(
  ctx: ConnectionContext,
  event: RequestEvent,
  args: unknown[],
  fail: Fail,
): Promise<void> {
  const last = args[args.length - 1];
  const ack = typeof last === 'function' ? (last as AckFn) : undefined;
  const payloadCount = ack ? args.length - 1 : args.length;
  try {
    if (payloadCount > 1) throw new RequestError('BAD_REQUEST', `${event} takes one payload argument and an ack`);
    const result = await requestHandlers[event](ctx, payloadCount > 0 ? args[0] : undefined);
    ack?.({ ok: true, ...result });
  } catch (error) {
    if (!(error instanceof RequestError)) ctx.logger.error(`${event} from ${ctx.userId} failed`, error);
    fail(event, ack, toProtocolError(error));
  }
}

/**
 * Emits `event`, then disconnects the socket once the packet is written.
 * With connection state recovery on, `socket.emit` goes through the adapter,
 * and a cluster adapter delivers it only after a round trip to Redis: an
 * immediate `disconnect(true)` would lose it (server-v1.md, "Known traps").
 * The socket's outgoing listeners run right before the write; a stuck
 * adapter still gets the socket disconnected after `timeoutMs`.
 */
export function emitThenDisconnect(socket: Socket, event: string, payload: unknown, timeoutMs = 2000): void {
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    socket.offAnyOutgoing(onOutgoing);
    // After the current write: the engine flushes its buffer before closing.
    setImmediate(() => socket.disconnect(true));
  };
  const onOutgoing = (name: string) => {
    if (name === event) finish();
  };
  const timer = setTimeout(finish, timeoutMs);
  socket.onAnyOutgoing(onOutgoing);
  socket.emit(event, payload);
}

/** Tells the socket `auth:expired` at `exp`, then disconnects it. */
function armExpiry(
  socket: Socket,
  expiresAt: number,
  logger: SocketkitLogger,
  userId: string,
): { current: ReturnType<typeof setTimeout> } {
  const handle = { current: undefined as unknown as ReturnType<typeof setTimeout> };
  const arm = () => {
    const delay = expiresAt - Date.now();
    handle.current = setTimeout(
      () => {
        if (expiresAt > Date.now()) return arm();
        logger.info(`token expired for ${userId} (socket ${socket.id}); disconnecting`);
        emitThenDisconnect(socket, 'auth:expired', { at: new Date(expiresAt).toISOString() });
      },
      delay > EXPIRY_STEP_MS ? EXPIRY_STEP_MS : Math.max(0, delay),
    );
  };
  arm();
  return handle;
}
