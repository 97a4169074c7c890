/**
 * `socketkit/mock-server/browser`: the bundled socketkit server running
 * inside the page (Storybook, a static demo) or a jsdom test, with no port
 * and no process. The socket edge, operations, schemas, presence rules and
 * memory store are the server's own (`socketkit/server/portable`); only
 * the transport is in-page: MSW intercepts the client's WebSocket and the
 * Engine.IO/Socket.IO framing is done with the official parsers.
 */
import { ws, type RequestHandler, type WebSocketHandler } from 'msw';
import { LIMITS, userRoom } from 'socketkit/protocol';
import {
  AuthError,
  DEFAULT_PRESENCE_BATCH_MS,
  DEFAULT_PRESENCE_GRACE_MS,
  DEFAULT_RATE_LIMIT,
  PresenceAnnouncer,
  PresenceTracker,
  TokenExpiries,
  UserBudgets,
  DEFAULT_USER_LIMITS,
  PresenceVisibility,
  everyoneSeesPresence,
  consoleLogger,
  createMemoryStore,
  expireSocket,
  setupConnection,
  silentLogger,
  type ConnectionDeps,
  type MemoryStore,
  type ProfileClaims,
  type SeedData,
  type SocketkitLogger,
} from 'socketkit/server/portable';
import { defaultSeed } from '../seed-data.js';
import { EngineSession, type EngineOptions, type WebSocketClientLike } from './engine-session.js';
import { createHttpHandlers } from './http-handlers.js';
import { InPageIo } from './in-page-io.js';
import type { InPageSocket } from './in-page-socket.js';
import { InPageWebSocketTransport } from './transport.js';

export { InPageWebSocketTransport } from './transport.js';

/** Options of `createInPageServer`. */
export interface InPageServerOptions {
  /**
   * The origin clients connect to (and fetch `/auth/token` from). Default `https://socketkit.invalid`,
   * never the page's own origin: the WebSocket link takes the origin's root path, where a dev
   * server's hot-reload socket (Vite's) lives.
   */
  url?: string;
  /** `'default'` (the bundled server's seed), `'none'`, or seed data. */
  seed?: 'default' | 'none' | SeedData;
  /** Each inbound event waits this long before its handler runs (ms). Default 0. */
  latencyMs?: number;
  /** Engine.IO ping interval, ms. Default 25,000 (socket.io's). */
  pingIntervalMs?: number;
  /** Engine.IO ping timeout, ms. Default 20,000 (socket.io's). */
  pingTimeoutMs?: number;
  /** Grace before `user:offline`, ms. Default 2000, as the bundled server. */
  presenceGraceMs?: number;
  /** Typing ends after this long without a new start, ms. Default 5000. */
  typingTimeoutMs?: number;
  /** No log lines. Default true (a page has no server console). */
  quiet?: boolean;
  logger?: SocketkitLogger;
}

/** A running in-page server. */
export interface InPageServer {
  /** The origin to give `createRealtimeClient({ url })` (and fetch `/auth/token` from). */
  url: string;
  /**
   * The MSW handlers: the WebSocket link and the HTTP routes. Pass them to
   * `setupWorker(...)` (browser) or `setupServer(...)` from `msw/node` (tests).
   */
  handlers: Array<RequestHandler | WebSocketHandler>;
  /**
   * `socketOptions` a client of this server needs: the WebSocket transport
   * only, created when the client connects (so MSW may start after
   * socket.io-client loaded). Spread into `createRealtimeClient`'s `socketOptions`.
   */
  socketOptions: { transports: [typeof InPageWebSocketTransport] };
  store: MemoryStore;
  /** A token this server accepts for `claims.id`, valid until `reset()`. */
  signToken(claims: ProfileClaims): string;
  /** Changes the simulated latency (ms). */
  setLatency(ms: number): void;
  /** Ends every socket's session, or one user's (the client sees "io server disconnect"). */
  disconnectAll(userId?: string): void;
  /** Cuts every transport (the client sees "transport close", as on a network drop, and reconnects). */
  dropConnections(): void;
  /** Back to the seed data and the initial latency; tokens stay valid. */
  reset(): void;
  /** Heartbeats answered so far, over all connections (pongs received). */
  readonly heartbeats: number;
  /** Connected sockets. */
  readonly connectionCount: number;
  /** Closes every connection and stops the timers. */
  close(): void;
}

/** `.invalid` never resolves (RFC 6761): a request the in-page server misses fails instead of reaching some host. */
const DEFAULT_URL = 'https://socketkit.invalid';

/**
 * Starts an in-page socketkit server. Nothing is intercepted until its
 * `handlers` are given to MSW.
 *
 * @example
 * // A jsdom test: no port, no process.
 * import { setupServer } from 'msw/node';
 * const inPage = createInPageServer();
 * const msw = setupServer(...inPage.handlers);
 * msw.listen();
 * const client = createRealtimeClient({
 *   url: inPage.url,
 *   token: inPage.signToken({ id: 'alice' }),
 *   socketOptions: inPage.socketOptions,
 * });
 */
export function createInPageServer(options: InPageServerOptions = {}): InPageServer {
  const url = (options.url ?? DEFAULT_URL).replace(/\/+$/, '');
  const seed = options.seed ?? 'default';
  const store = createMemoryStore(seed === 'default' ? defaultSeed() : seed === 'none' ? undefined : seed);
  const logger = options.quiet === false ? (options.logger ?? consoleLogger) : (options.logger ?? silentLogger);
  const io = new InPageIo();
  // One cast, here: InPageIo and InPageSocket have the shape of socket.io's Server and Socket as far as the socket edge uses them.
  const serverIo = io as unknown as ConnectionDeps['io'];
  const presence = new PresenceTracker(
    new PresenceAnnouncer(serverIo, { store, logger, local: true, batchMs: DEFAULT_PRESENCE_BATCH_MS }),
    options.presenceGraceMs ?? DEFAULT_PRESENCE_GRACE_MS,
  );
  const deps: ConnectionDeps = {
    io: serverIo,
    store,
    presence,
    logger,
    rateLimit: DEFAULT_RATE_LIMIT,
    typingTimeoutMs: options.typingTimeoutMs ?? LIMITS.typingTimeoutMs,
    connections: new Set(),
    fallbackStoreId: globalThis.crypto.randomUUID(),
    expiries: new TokenExpiries(expireSocket),
    // The per-user bounds of the bundled server; presence open to everyone, as on the mock server in development.
    budgets: new UserBudgets(DEFAULT_USER_LIMITS),
    visibility: new PresenceVisibility(store, everyoneSeesPresence),
    listened: null,
    creations: null,
  };
  const tokens = new Map<string, ProfileClaims>();
  const initialLatency = options.latencyMs ?? 0;
  let latencyMs = initialLatency;
  let heartbeats = 0;

  io.use((socket, next) => {
    const token = socket.handshake.auth.token;
    const profile = typeof token === 'string' ? tokens.get(token) : undefined;
    if (!profile) {
      next(new AuthError('TOKEN_INVALID', 'not a token of this in-page server'));
      return;
    }
    socket.data.userId = profile.id;
    next();
  });
  io.on('connection', (socket) => {
    const profile = tokens.get(String(socket.handshake.auth.token)) as ProfileClaims;
    setupConnection(socket as unknown as Parameters<typeof setupConnection>[0], { userId: profile.id, profile, expiresAt: null }, deps);
    // Simulated latency, as the bundled server: each inbound event waits before its handler runs.
    socket.use((_packet, next) => {
      if (latencyMs > 0) setTimeout(next, latencyMs);
      else next();
    });
  });

  const engine: EngineOptions = {
    pingIntervalMs: options.pingIntervalMs ?? 25_000,
    pingTimeoutMs: options.pingTimeoutMs ?? 20_000,
    maxPayload: LIMITS.maxPayloadBytes,
  };
  const sessions = new Set<EngineSession>();
  // MSW matches a WebSocket URL with its `/socket.io/` path taken off (for its
  // own Socket.IO binding), so the link is the origin's root; the second link
  // is for MSW versions that match the path as it is.
  const wsUrl = url.replace(/^http/, 'ws');
  const onConnection = ({ client }: { client: WebSocketClientLike }) => {
    const session = new EngineSession(client, io, engine, (ended) => sessions.delete(ended), () => {
      heartbeats += 1;
    });
    sessions.add(session);
  };
  const socketHandlers = [ws.link(`${wsUrl}/`), ws.link(`${wsUrl}/socket.io/`)].map((link) => link.addEventListener('connection', onConnection));

  const signToken = (claims: ProfileClaims): string => {
    const token = `in-page.${globalThis.crypto.randomUUID()}`;
    tokens.set(token, { ...claims, id: String(claims.id) });
    return token;
  };
  const disconnectAll = (userId?: string) => {
    if (userId === undefined) io.disconnectSockets(true);
    else io.in(userRoom(userId)).disconnectSockets(true);
  };
  const reset = () => {
    store.reset();
    latencyMs = initialLatency;
  };
  const sendToUser = (userId: string, event: string, payload: unknown): number => {
    const targets: InPageSocket[] = io.to(userRoom(userId)).sockets();
    for (const socket of targets) socket.emit(event, payload);
    return targets.length;
  };

  const handlers: Array<RequestHandler | WebSocketHandler> = [
    ...socketHandlers,
    ...createHttpHandlers(url, {
      signToken,
      userOfToken: (token) => tokens.get(token)?.id ?? null,
      listUsers: async () => (await store.listUsers()).map((user) => ({ ...user, online: presence.isOnline(user.id) })),
      storeNotification: (input) => store.addNotification(input),
      sendToUser,
      setLatency: (ms) => {
        latencyMs = ms;
      },
      disconnectAll,
      reset,
    }),
  ];

  return {
    url,
    handlers,
    socketOptions: { transports: [InPageWebSocketTransport] },
    store,
    signToken,
    setLatency: (ms) => {
      latencyMs = ms;
    },
    disconnectAll,
    dropConnections: () => {
      for (const session of [...sessions]) session.close();
    },
    reset,
    get heartbeats() {
      return heartbeats;
    },
    get connectionCount() {
      return io.sockets.sockets.size;
    },
    close() {
      for (const session of [...sessions]) session.close();
      void presence.close();
      deps.expiries.close();
    },
  };
}
