import type { Server, Socket } from 'socket.io';
import { conversationRoom, userRoom } from '../../protocol/index.js';
import type { Ack, ConnectionErrorPayload, UserId, ConnectionEstablishedPayload, PresenceSubscribeResult, ProtocolError, RequestEvent } from '../../protocol/index.js';
import type { ConnectionContext } from './connection-context.js';
import { RequestError, toProtocolError } from '../operations/errors.js';
import type { SocketkitLogger } from '../logger.js';
import { PRESENCE_BATCH_ROOM, presenceRoom, speaksProtocol11, type PresenceBackend } from '../presence/presence.js';
import { TokenBucket, type RateLimitOptions } from './rate-limit.js';
import { applyPresenceWatch, isRequestEvent, preparePresenceWatch, requestHandlers, type PreparedWatch } from './requests.js';
import type { UserBudgets, PerUserRateLimit } from './user-budget.js';
import type { PresenceVisibility } from '../presence/visibility.js';
import type { ListenedConversations } from '../presence/listened-conversations.js';
import type { SocketkitStore } from '../store/store.js';
import type { TokenExpiries } from './token-expiry.js';
import type { AuthIdentity } from '../auth/auth.js';

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
  /** Token expiries of every socket, on one timer (call `expireSocket` for each). */
  expiries: TokenExpiries<Socket>;
  budgets: UserBudgets;
  visibility: PresenceVisibility;
  listened: ListenedConversations | null;
  creations: PerUserRateLimit | null;
}

/**
 * Longest the handshake waits for {@link prepareConnect} before Socket.IO
 * answers CONNECT, ms. A healthy store answers in a few milliseconds; a
 * slow or hung one must not hold the handshake (and its pending session)
 * until the client gives up: past this, CONNECT is answered and
 * `connection:established` follows in a write of its own when the store
 * answers.
 */
export const STORE_WAIT_BEFORE_CONNECT_MS = 1000;

/** What `connection:established` carries from the store, asked before it is sent ({@link prepareConnect}). */
export interface PreparedEstablished {
  /** The store's identity (docs/protocol.md, `storeId`); `undefined` when the store could not say. */
  storeId: string | undefined;
  /** For a v1.1 handshake that named users to watch: those ids checked against the presence policy, or the refusal. */
  watch: Ack<PreparedWatch> | undefined;
}

/**
 * What a connect asks of the store, all at once: the profile upsert (logged
 * when it fails, never waited for) and what `connection:established` carries,
 * the store's id (docs/protocol.md, `storeId`; docs/deploy.md) and, for a
 * v1.1 handshake that named users to watch (`auth.presence`), which of them
 * the user may see. The server's handshake middleware calls it before
 * Socket.IO answers CONNECT, so that the CONNECT reply and
 * `connection:established` are sent in one synchronous run and leave in one
 * write (write-coalescing.ts) whether the store answers at once (memory) or
 * after a query (SQL, where the upsert and the lookup of one connect join
 * one batch). Synchronous when nothing needs waiting for. Never rejects: a
 * store id that fails is logged and left out, a watch that fails becomes its
 * refusal.
 */
export function prepareConnect(
  socket: Socket,
  identity: AuthIdentity,
  deps: Pick<ConnectionDeps, 'store' | 'fallbackStoreId' | 'logger' | 'visibility'>,
): PreparedEstablished | Promise<PreparedEstablished> {
  const { userId } = identity;
  // A store of the app's own may answer with a plain value, or throw: either way it ends here, logged.
  new Promise<void>((resolve) => resolve(deps.store.upsertUser(identity.profile))).catch((error: unknown) =>
    deps.logger.error({ userId, socketId: socket.id, err: error }, 'store.upsertUser failed'),
  );
  let storeId: string | Promise<string>;
  try {
    storeId = deps.store.getStoreId ? deps.store.getStoreId() : deps.fallbackStoreId;
  } catch (error) {
    storeId = Promise.reject(error);
  }
  const auth = socket.handshake.auth as { presence?: unknown };
  const watches = speaksProtocol11(auth) && auth.presence !== undefined;
  if (typeof storeId === 'string' && !watches) return { storeId, watch: undefined };
  const storeIdKnown = Promise.resolve(storeId).catch((error: unknown) => {
    deps.logger.error('store id unavailable, connection:established sent without it', error);
    return undefined;
  });
  const watch = watches
    ? preparePresenceWatch({ userId, visibility: deps.visibility }, { userIds: auth.presence }).then(
        (prepared): Ack<PreparedWatch> => ({ ok: true, ...prepared }),
        (error: unknown) => handshakeWatchFailed(deps.logger, userId, socket.id, error),
      )
    : undefined;
  return Promise.all([storeIdKnown, watch]).then(([id, prepared]) => ({ storeId: id, watch: prepared }));
}

/**
 * Emits `connection:established` with what {@link prepareConnect} found:
 * `prepared` from the handshake middleware (still a promise when the store
 * took longer than {@link STORE_WAIT_BEFORE_CONNECT_MS}), or, when the socket
 * skipped the middleware (restored by connection state recovery on a Server
 * of the app's own, or the in-page server), asked now with the profile
 * upsert. The watches are joined in the same synchronous run as the emit, so
 * no change of a watched user can reach the socket before the snapshot it
 * follows. Whatever fails is logged and the socket closed: no rejection of
 * this chain goes unhandled (issue 24 #1).
 */
function announceEstablished(
  ctx: ConnectionContext,
  identity: AuthIdentity,
  deps: ConnectionDeps,
  prepared: PreparedEstablished | Promise<PreparedEstablished> | undefined,
): void {
  const { socket, userId } = ctx;
  const send = ({ storeId, watch }: PreparedEstablished) => {
    if (!socket.connected) return;
    const payload: ConnectionEstablishedPayload = { userId, socketId: socket.id, serverTime: new Date().toISOString() };
    if (storeId !== undefined) payload.storeId = storeId;
    if (watch) payload.presence = watch.ok ? applyHandshakeWatch(ctx, watch) : watch;
    socket.emit('connection:established', payload);
  };
  const ready = prepared ?? prepareConnect(socket, identity, deps);
  // Nothing to wait for: sent now, in the same write as the CONNECT answer (socket/write-coalescing.ts).
  if (!(ready instanceof Promise)) {
    send(ready);
    return;
  }
  ready.then(send).catch((error: unknown) => {
    deps.logger.error(`connection:established for ${userId} (socket ${socket.id}) failed; closing the socket`, error);
    socket.disconnect(true);
  });
}

function handshakeWatchFailed(logger: SocketkitLogger, userId: UserId, socketId: string, error: unknown): Ack<PreparedWatch> {
  if (!(error instanceof RequestError)) logger.error({ userId, socketId, err: error }, 'presence in the handshake failed');
  return { ok: false, error: toProtocolError(error) };
}

/**
 * Protocol v1.1 (docs/protocol.md, "Watches in the handshake"): the users a
 * client names in `auth.presence` are subscribed before `connection:established`,
 * which carries the ack that `presence:subscribe` would have had. Saves every
 * (re)connect a round trip, and the client's views are right from the start.
 */
function applyHandshakeWatch(ctx: ConnectionContext, prepared: PreparedWatch): Ack<PresenceSubscribeResult> {
  try {
    return { ok: true, ...applyPresenceWatch(ctx, prepared) };
  } catch (error) {
    return handshakeWatchFailed(ctx.logger, ctx.userId, ctx.socket.id, error) as Ack<PresenceSubscribeResult>;
  }
}

const PRESENCE_PREFIX = presenceRoom('');
const CONVERSATION_PREFIX = conversationRoom('');
/** At most one `connection:error` RATE_LIMITED per socket per this long, so a flood is not echoed back. */
const RATE_NOTICE_INTERVAL_MS = 1000;

type AckFn = (response: Ack) => void;

/** Per-socket state of the listeners below (kept apart from the request handlers' context). */
interface SocketState {
  ctx: ConnectionContext;
  deps: ConnectionDeps;
  /** The rate limit's bucket, made at the first packet (null until then, or with the limit off). */
  bucket: TokenBucket | null;
  /** Request events listened to on this socket, one bit each (see `requestListeners`). */
  listening: number;
  lastNoticeAt: number;
  /** When the socket's token expires (ms since the epoch), null without `exp` or once expired. */
  expiresAt: number | null;
  /** The same moment on the monotonic clock (`performance.now()`), the key of `deps.expiries`. */
  expiryDeadline: number | null;
  /** Counted in presence: set once the Socket.IO CONNECT answer left for the client (`onHandshakeDelivered`). */
  online: boolean;
}

/** The part of an engine.io connection read here: its write buffer and its `drain` event. */
interface EngineWrites {
  writeBuffer: unknown[];
  once(event: 'drain', listener: () => void): unknown;
  off(event: 'drain', listener: () => void): unknown;
}

/**
 * Runs `delivered` once the Socket.IO CONNECT answer (written before the
 * `connection` event) has left for the client: at once over WebSocket or a
 * waiting long-poll, or at the session's next poll. A polling session whose
 * next request went to another node (a load balancer without affinity) never
 * gets there, so it never counts as online (before, it kept its user online
 * until the ping timeout, ~85 s). Not run when the socket disconnects first.
 */
function onHandshakeDelivered(socket: Socket, delivered: () => void): void {
  const engine = socket.conn as unknown as Partial<EngineWrites>;
  // No write buffer (a transport that writes at once, like the in-page server's) or nothing waiting in it: delivered.
  if (!Array.isArray(engine.writeBuffer) || engine.writeBuffer.length === 0 || !engine.once || !engine.off) return delivered();
  const { once, off } = { once: engine.once.bind(engine), off: engine.off.bind(engine) };
  const onDrain = (): void => {
    socket.off('disconnect', onGone);
    if (socket.connected) delivered();
  };
  const onGone = (): void => void off('drain', onDrain);
  once('drain', onDrain);
  socket.once('disconnect', onGone);
}

/**
 * One listener per event for the whole server, finding its socket's state
 * through `this` (EventEmitter calls listeners on the emitter), instead of
 * closures per socket: ≈ 1.7 KB less heap per connection for the ten
 * request events alone. Listeners (unlike `onAny`) run after every
 * middleware, an app's included. A socket listens to a request event from
 * the first time it sends it (`inbound`): an emitter with a dozen event
 * names costs ≈ 0.6 KB more than one with two, and most sockets send a few.
 */
const socketStates = new WeakMap<Socket, SocketState>();
const requestListeners = new Map(
  (Object.keys(requestHandlers) as RequestEvent[]).map((event, i) => [
    event,
    {
      bit: 1 << i,
      listener(this: Socket, ...args: unknown[]) {
        const state = socketStates.get(this);
        if (state) void handleRequest(state.ctx, event, args);
      },
    },
  ]),
);

/** Answers a failed request: through its ack, else as `connection:error`. */
function fail(socket: Socket, event: string, ack: AckFn | undefined, error: ProtocolError): void {
  if (ack) {
    ack({ ok: false, error });
    return;
  }
  const payload: ConnectionErrorPayload = { ...error, event: event.slice(0, 128) };
  socket.emit('connection:error', payload);
}

/**
 * Every inbound packet passes here before any listener runs: the rate limit
 * first, then a check that somebody (socketkit or the app) listens.
 * (`onAny` would run before middlewares and so escape the rate limit.)
 */
function inbound(state: SocketState, packet: unknown[], next: (error?: Error) => void): void {
  const { socket } = state.ctx;
  const event = String(packet[0]);
  const last = packet[packet.length - 1];
  const ack = typeof last === 'function' ? (last as AckFn) : undefined;
  const { rateLimit } = state.deps;
  if (rateLimit && !state.bucket) state.bucket = new TokenBucket(rateLimit);
  const retryAfterMs = state.bucket ? state.bucket.take() : 0;
  if (retryAfterMs > 0) {
    const now = performance.now();
    if (!ack && now - state.lastNoticeAt < RATE_NOTICE_INTERVAL_MS) return;
    state.lastNoticeAt = now;
    fail(socket, event, ack, { code: 'RATE_LIMITED', message: 'Too many requests', retryAfterMs });
    return;
  }
  // 'error' is the server-side error channel of a Socket.IO socket (middleware
  // failures); a client must not be able to trigger its listeners.
  const request = isRequestEvent(event) ? requestListeners.get(event) : undefined;
  if (request) {
    if ((state.listening & request.bit) === 0) {
      state.listening |= request.bit;
      socket.on(event, request.listener);
    }
    next();
    return;
  }
  if (event !== 'error' && socket.listeners(event).length > 0) {
    next();
    return;
  }
  fail(socket, event, ack, { code: 'BAD_REQUEST', message: `Unknown event ${event.slice(0, 64)}` });
}

/** The `disconnect` listener of every socket. */
function onDisconnect(this: Socket, reason: string): void {
  const state = socketStates.get(this);
  if (!state) return;
  const { ctx, deps } = state;
  deps.connections.delete(ctx);
  if (state.expiryDeadline !== null) deps.expiries.remove(this, state.expiryDeadline);
  deps.budgets.closeSocket(ctx.userId, ctx.explicitWatches?.size ?? 0);
  ctx.typing?.stopAll();
  if (state.online) deps.presence.disconnect(ctx.userId);
  deps.logger.info({ userId: ctx.userId, socketId: this.id, reason }, 'disconnect');
}

/** Tells the socket `auth:expired` (its token's `exp` passed), then disconnects it. Given to `TokenExpiries`. */
export function expireSocket(socket: Socket): void {
  const state = socketStates.get(socket);
  if (!state || state.expiresAt === null || !socket.connected) return;
  const at = new Date(state.expiresAt).toISOString();
  state.expiresAt = null;
  state.expiryDeadline = null;
  state.deps.logger.info({ userId: state.ctx.userId, socketId: socket.id }, 'token expired; disconnecting');
  emitThenDisconnect(socket, 'auth:expired', { at });
}

/**
 * Wires one authenticated socket: rooms, presence, request handlers, typing,
 * token expiry. `prepared`: what {@link prepareConnect} answered (or will
 * answer) for it in the handshake, which also upserted the profile; without
 * it the store is asked now. `connection:established` leaves in the CONNECT
 * answer's write when the answers are at hand (`prepared` answered, or a
 * store that answers at once), in a write of its own otherwise.
 */
export function setupConnection(
  socket: Socket,
  identity: AuthIdentity,
  deps: ConnectionDeps,
  prepared?: PreparedEstablished | Promise<PreparedEstablished>,
): void {
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
    typing: null,
    typingTimeoutMs: deps.typingTimeoutMs,
    budgets: deps.budgets,
    visibility: deps.visibility,
    listened: deps.listened,
    creations: deps.creations,
  };
  deps.connections.add(ctx);
  const state: SocketState = {
    ctx,
    deps,
    bucket: null,
    listening: 0,
    lastNoticeAt: -Infinity,
    expiresAt: identity.expiresAt,
    // The token's lifetime left, measured once against the wall clock (its `exp` is wall-clock time), then
    // counted down on the monotonic clock: a step of the wall clock neither cuts nor extends it.
    expiryDeadline: identity.expiresAt === null ? null : performance.now() + (identity.expiresAt - Date.now()),
    online: false,
  };
  socketStates.set(socket, state);
  socket.use((packet, next) => inbound(state, packet, next));

  if (socket.recovered) restoreRecoveredState(ctx);
  // Protocol v1.1 (negotiated in the handshake): presence arrives as `presence:changes`
  // batches, and the handshake may name users to watch (subscribed by `announceEstablished`).
  const protocol11 = speaksProtocol11(socket.handshake.auth);
  void socket.join(protocol11 ? [userRoom(userId), PRESENCE_BATCH_ROOM] : userRoom(userId));
  onHandshakeDelivered(socket, () => {
    state.online = true;
    presence.connect(userId);
  });
  if (state.expiryDeadline !== null) deps.expiries.add(socket, state.expiryDeadline);
  socket.on('disconnect', onDisconnect);

  announceEstablished(ctx, identity, deps, prepared);
  logger.info({ userId, socketId: socket.id, transport: socket.conn.transport.name }, 'connect');
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
        if (ctx.io.sockets.adapter.rooms.has(room)) ctx.listened?.listen(conversationId, conversation.participantIds);
      })
      .catch((error: unknown) => ctx.logger.error({ userId: ctx.userId, socketId: ctx.socket.id, conversationId, err: error }, 'restoring a joined conversation failed'));
  }
}

async function handleRequest(ctx: ConnectionContext, event: RequestEvent, args: unknown[]): Promise<void> {
  const last = args[args.length - 1];
  const ack = typeof last === 'function' ? (last as AckFn) : undefined;
  const payloadCount = ack ? args.length - 1 : args.length;
  // Trace lines (the server's `debug` option): only when the logger has `debug`.
  const startedAt = ctx.logger.debug ? performance.now() : 0;
  const fields = () => ({ userId: ctx.userId, socketId: ctx.socket.id, event, ms: Math.round(performance.now() - startedAt) });
  if (!ctx.budgets.startRequest(ctx.userId)) {
    const limit = ctx.budgets.limits.maxPendingRequestsPerUser;
    fail(ctx.socket, event, ack, { code: 'RATE_LIMITED', message: `At most ${limit} requests in flight per user`, retryAfterMs: 100 });
    return;
  }
  try {
    if (payloadCount > 1) throw new RequestError('BAD_REQUEST', `${event} takes one payload argument and an ack`);
    const result = await requestHandlers[event](ctx, payloadCount > 0 ? args[0] : undefined);
    ack?.({ ok: true, ...result });
    ctx.logger.debug?.(fields(), 'ack');
  } catch (error) {
    if (!(error instanceof RequestError)) ctx.logger.error({ userId: ctx.userId, socketId: ctx.socket.id, event, err: error }, 'request failed');
    const refusal = toProtocolError(error);
    ctx.logger.debug?.({ ...fields(), code: refusal.code }, 'refused');
    try {
      fail(ctx.socket, event, ack, refusal);
    } catch (failure) {
      ctx.logger.error({ userId: ctx.userId, socketId: ctx.socket.id, event, err: failure }, 'answering failed');
    }
  } finally {
    ctx.budgets.endRequest(ctx.userId);
  }
}

/**
 * Emits `event`, then disconnects the socket once the packet is written.
 * With connection state recovery on, `socket.emit` goes through the adapter,
 * and a cluster adapter delivers it only after a round trip to Redis: an
 * immediate `disconnect(true)` would lose it (docs/deploy.md, "Several nodes on Redis").
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
