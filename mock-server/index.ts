/**
 * `socketkit/mock-server`: the bundled server, in-process, for tests and
 * Storybook. `createMockServer()` starts an http server with the REST API,
 * the development endpoints and socketkit attached, seeded with named users
 * and conversations.
 */
import type { Server as HttpServer } from 'node:http';
import jwt from 'jsonwebtoken';
import type { Algorithm } from 'jsonwebtoken';
import type { Server } from 'socket.io';
import { userRoom } from 'socketkit/protocol';
import {
  consoleLogger,
  createMemoryStore,
  createOriginPolicy,
  createSocketkitServer,
  everyoneSeesPresence,
  closeHttpListener,
  createHttpListener,
  pinnedAlgorithms,
  resolveClientUrls,
  resolveJwtSecret,
  silentLogger,
} from 'socketkit/server/internal';
import type { SocketkitServer, SocketkitServerOptions, TokenClaims } from 'socketkit/server/internal';
import { createHttpApi } from './http-api.js';
import { loadSeed, type SeedOption } from './seed.js';

export { defaultSeed, loadSeed } from './seed.js';
export type { SeedOption } from './seed.js';
export type { SeedData } from 'socketkit/server/internal';

/**
 * Options of `createMockServer`: every option of `createSocketkitServer`
 * (forwarded as given, so none is lost on the way) except `store` (the mock
 * server keeps a seeded in-memory store), plus the mock server's own.
 */
export interface MockServerOptions extends Omit<SocketkitServerOptions, 'store' | 'secret'> {
  /** Default 0: an ephemeral port (read it from `server.port`). */
  port?: number | undefined;
  /** Default `127.0.0.1`. */
  host?: string | undefined;
  /** JWT secret. Default: env `JWT_SECRET` via `resolveJwtSecret()`. */
  secret?: string | undefined;
  /** `'default'` (named users and conversations), `'none'`, seed data, or a JSON file path. */
  seed?: SeedOption | undefined;
  /** Simulated delay before each inbound socket event is handled. Default 0. */
  latencyMs?: number | undefined;
  /** `listen()` backlog of pending connections (Node's default 511; the kernel caps it at somaxconn). Raise it for connect storms. */
  backlog?: number | undefined;
  /**
   * Allow loopback origins (`localhost`, `127.0.0.1`, `[::1]`) on any port
   * besides `clientUrl` (default env `CLIENT_URL`, else the Vite and Storybook
   * dev origins). Default: on unless `NODE_ENV=production`. Each refused
   * origin is logged once.
   */
  allowLoopbackOrigins?: boolean | undefined;
  /** `POST /auth/token` and `/dev/*`. Default: on unless `NODE_ENV=production`. */
  devEndpoints?: boolean | undefined;
}

/**
 * What the mock server changes in `createSocketkitServer`'s defaults outside
 * production, for a development playground: everyone sees everyone's
 * presence, and creating conversations is not rate limited. With
 * `NODE_ENV=production` the library's defaults apply (docs/security.md).
 */
function developmentDefaults(): Partial<SocketkitServerOptions> {
  if (process.env.NODE_ENV === 'production') return {};
  // Tokens of POST /auth/token live up to 30 days.
  return { canSeePresence: everyoneSeesPresence, conversationCreateLimit: false, maxTokenLifetimeS: 30 * 24 * 3600 };
}

/** Claims `signToken` accepts: `userId` (or `sub`) and optional profile claims; the server's `TokenClaims`. */
export type MockTokenClaims = TokenClaims;

/** Options of `signToken`. */
export interface SignTokenOptions {
  /** Lifetime; default 3600. Negative values make an already expired token (for tests). */
  expiresInS?: number | undefined;
  /** Sign with another secret (for tests of a bad signature). */
  secret?: string | undefined;
  /** Default: the first configured algorithm (HS256). */
  algorithm?: string | undefined;
}

/** A running mock server. */
export interface MockServer {
  /** `http://host:port`, the URL a socket.io-client connects to. */
  url: string;
  port: number;
  io: Server;
  socketkit: SocketkitServer;
  httpServer: HttpServer;
  /**
   * Stops the server: every connection is cut (clients see `transport close`
   * and, being stock clients, try to reconnect), then the http server closes.
   */
  close(): Promise<void>;
  /** Signs a token the server accepts (issuer/audience from `options.jwt` included). */
  signToken(claims: MockTokenClaims, opts?: SignTokenOptions): string;
  /** Changes the simulated latency. */
  setLatency(ms: number): void;
  /** Drops every socket, or one user's. */
  disconnectAll(userId?: string): void;
  /** Back to the seed data and the initial latency. */
  reset(): void;
}

/**
 * Starts the bundled server in-process.
 *
 * @example
 * const server = await createMockServer({ port: 0, secret: 'test', quiet: true });
 * const socket = io(server.url, { auth: { token: server.signToken({ userId: 'alice' }) } });
 * // …
 * await server.close();
 */
export async function createMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const secret = options.secret ?? resolveJwtSecret();
  const logger = options.quiet ? silentLogger : (options.logger ?? consoleLogger);
  const store = createMemoryStore(loadSeed(options.seed ?? 'default'));
  const clientUrls = resolveClientUrls(options.clientUrl);
  // One policy for the REST API and Socket.IO, so each refused origin is logged once.
  const allowOrigin = createOriginPolicy({
    clientUrls,
    allowLoopback: options.allowLoopbackOrigins ?? process.env.NODE_ENV !== 'production',
    logger,
  });
  const devEndpoints = options.devEndpoints ?? process.env.NODE_ENV !== 'production';
  const initialLatency = options.latencyMs ?? 0;
  let latencyMs = initialLatency;
  // The REST listener is installed before Socket.IO attaches, so Socket.IO
  // routes `/socket.io/` itself and hands every other request to it.
  const listener = createHttpListener();
  const { httpServer } = listener;

  const {
    port: _port,
    host: _host,
    seed: _seed,
    latencyMs: _latency,
    backlog: _backlog,
    devEndpoints: _dev,
    allowLoopbackOrigins: _loopback,
    ...serverOptions
  } = options;
  const socketkit = createSocketkitServer(httpServer, {
    ...developmentDefaults(),
    ...serverOptions,
    secret,
    store,
    logger,
    clientUrl: clientUrls,
    allowOrigin,
  });
  const { io } = socketkit;

  // Simulated latency: each inbound event waits before its handler runs.
  io.on('connection', (socket) => {
    socket.use((_packet, next) => {
      if (latencyMs > 0) setTimeout(next, latencyMs);
      else next();
    });
  });

  const signToken = (claims: MockTokenClaims, opts: SignTokenOptions = {}): string => {
    const algorithm = (opts.algorithm ?? pinnedAlgorithms(options.jwt)[0]) as Algorithm;
    const signOptions: jwt.SignOptions = { algorithm };
    const jwtOptions = options.jwt;
    if (typeof jwtOptions?.issuer === 'string') signOptions.issuer = jwtOptions.issuer;
    if (typeof jwtOptions?.audience === 'string') signOptions.audience = jwtOptions.audience;
    const now = Math.floor(Date.now() / 1000);
    const payload = { ...claims, iat: now, exp: now + (opts.expiresInS ?? 3600) };
    return jwt.sign(payload, opts.secret ?? secret, signOptions);
  };
  const disconnectAll = (userId?: string) => {
    if (userId === undefined) io.disconnectSockets(true);
    else io.in(userRoom(userId)).disconnectSockets(true);
  };
  const reset = () => {
    store.reset();
    latencyMs = initialLatency;
  };

  listener.serve(createHttpApi({
    socketkit,
    secret,
    jwt: options.jwt,
    allowOrigin,
    tokenOrigins: clientUrls,
    devEndpoints,
    startedAt: performance.now(),
    logger,
    signToken,
    setLatency: (ms) => {
      latencyMs = ms;
    },
    disconnectAll,
    reset,
  }));

  let bound: { port: number; url: string };
  try {
    bound = await listener.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1', backlog: options.backlog });
  } catch (error) {
    // E.g. EADDRINUSE: leave nothing running behind the rejection.
    await socketkit.close().catch(() => undefined);
    throw error;
  }
  let closing: Promise<void> | null = null;
  return {
    url: bound.url,
    port: bound.port,
    io,
    socketkit,
    httpServer,
    close: () =>
      (closing ??= (async () => {
        // No DISCONNECT packet: clients see the server go away ("transport
        // close") and a stock client reconnects when it is back, as after a
        // real restart. Socket.IO then closes the http server, which waits
        // for keep-alive connections: cut them so close() never hangs.
        await closeHttpListener(socketkit, httpServer);
      })()),
    signToken,
    setLatency: (ms) => {
      latencyMs = ms;
    },
    disconnectAll,
    reset,
  };
}
