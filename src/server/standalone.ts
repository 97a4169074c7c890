/**
 * The production server behind the `socketkit-server` command, as a
 * function: an http server with the health probes and the server API,
 * socketkit attached, on the storage chosen. No development endpoints.
 */
import type { Server as HttpServer } from 'node:http';
import { createSocketkitServer } from './create-server.js';
import { RequestError } from './operations/errors.js';
import { dispatch, requestUrl, sendError, type Route } from './http/routing.js';
import { closeHttpListener, createHttpListener, healthRoute } from './http/listener.js';
import type { SocketkitLogger } from './logger.js';
import { withTimeout } from './timeout.js';
import type { OpenedRedis } from './redis/connect.js';
import { createMemoryStore } from './store/memory-store.js';
import { createServerApiHandler } from './http/server-api.js';
import { bearerAuthenticator, userApiRoutes } from './http/user-api.js';
import type { SocketkitStore } from './store/store.js';
import type { SocketkitServer, SocketkitServerOptions } from './types.js';
import { everyoneSeesPresence } from './presence/visibility.js';
import { describeCause, StartupError } from './startup-error.js';
import { attachAdminUi, type AdminUiOptions } from './admin-ui.js';

/** Errors of node-postgres or the network that mean "no usable connection", not a failed statement. */
const CONNECTION_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', '28P01', '28000', '3D000', '57P03']);

function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && CONNECTION_FAILURES.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /timeout|Connection terminated|connect/i.test(message) || (error instanceof AggregateError && error.errors.some(isConnectionFailure));
}

/** Where the data lives: exactly one of these. */
export type StorageConfig =
  | { kind: 'embedded'; dataDir: string }
  | { kind: 'postgres'; databaseUrl: string }
  | { kind: 'memory' };

/** The limits `socketkit-server` flags (or `SOCKETKIT_<FLAG>` variables) set; absent = the library's default (docs/security.md). */
export interface SecurityLimits {
  maxSocketsPerUser?: number;
  maxWatchesPerUser?: number;
  maxPendingRequestsPerUser?: number;
  conversationsPerHour?: number;
  maxTokenLifetimeS?: number;
  connectTimeoutMs?: number;
  maxPendingSessions?: number;
  maxPendingSessionsPerAddress?: number;
  presenceVisibility?: 'conversations' | 'everyone';
}

/** Everything `startStandaloneServer` needs, already validated (the CLI's job). */
export interface StandaloneConfig {
  port: number;
  host: string;
  secret: string;
  storage: StorageConfig;
  /** Turns on the server API (`/server/*`); without it those paths answer 404. */
  apiKey?: string | undefined;
  presenceGraceMs: number;
  /** Security limits (docs/security.md); each absent one keeps the library's default. */
  limits?: SecurityLimits;
  /** Several nodes: Redis (`--redis-url`; the storage must be PostgreSQL) and this node's id (`--node-id`). */
  redisUrl?: string | undefined;
  nodeId?: string | undefined;
  /** Allowed browser origins (env `CLIENT_URL`); default the Vite and Storybook dev origins. */
  clientUrl?: string | string[] | undefined;
  /**
   * Socket.IO's admin UI (`@socket.io/admin-ui`, installed next to socketkit)
   * with its own login; absent = off (docs/deploy.md, "Admin UI"). Its origin
   * (https://admin.socket.io or your own) must be among the allowed ones.
   */
  adminUi?: AdminUiOptions | undefined;
  logger: SocketkitLogger;
}

/** A running production server. */
export interface StandaloneServer {
  url: string;
  port: number;
  httpServer: HttpServer;
  socketkit: SocketkitServer;
  /**
   * Stops accepting, closes every socket (clients reconnect), then the store
   * and its database clients. Resolves when all are closed.
   */
  close(): Promise<void>;
}

/** An opened store and how to check and close what backs it. */
interface OpenedStore {
  store: SocketkitStore;
  /** Resolves while the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A probe with no answer within this long counts as down (docs/deploy.md, "Health checks": `/ready` answers within 3 s). */
export const READY_PROBE_TIMEOUT_MS = 2000;

async function openStore(storage: StorageConfig, logger: SocketkitLogger): Promise<OpenedStore> {
  switch (storage.kind) {
    case 'memory':
      logger.warn('storage: in memory (--memory): nothing survives a restart');
      return { store: createMemoryStore(), ping: () => Promise.resolve(), close: () => Promise.resolve() };
    case 'embedded': {
      const { createEmbeddedStore } = await import('./sql/embedded.js');
      const store = await createEmbeddedStore({ dataDir: storage.dataDir });
      logger.info(`storage: embedded database in ${storage.dataDir}`);
      return { store, ping: () => store.ping(), close: () => store.close() };
    }
    case 'postgres': {
      const { createPostgresPool } = await import('./sql/postgres-pool.js');
      const { createPostgresStore } = await import('./sql/postgres.js');
      const pool = await createPostgresPool(storage.databaseUrl, logger);
      // Readiness asks on its own connection: a pool busy with one conversation is no database down.
      const probe = await createPostgresPool(storage.databaseUrl, logger, { max: 1, query_timeout: READY_PROBE_TIMEOUT_MS });
      const end = () => Promise.all([pool.end(), probe.end()]).then(() => undefined);
      try {
        const store = await createPostgresStore({ pool });
        logger.info(`storage: PostgreSQL ${redactUrl(storage.databaseUrl)}`);
        return { store, ping: () => probe.query('SELECT 1').then(() => undefined), close: end };
      } catch (error) {
        await end().catch(() => undefined);
        if (!isConnectionFailure(error)) throw error;
        throw new StartupError(
          'DATABASE_UNREACHABLE',
          `Cannot reach PostgreSQL at ${redactUrl(storage.databaseUrl)}: ${describeCause(error)}. ` +
            'Check --database-url / DATABASE_URL (host, port, database, user, password) and that the database accepts connections from this host.',
          { cause: error },
        );
      }
    }
  }
}

const LISTEN_CAUSES: Record<string, string> = {
  EADDRINUSE: 'another process listens there: stop it, or choose another --port / PORT',
  EACCES: 'this user may not listen on it (ports below 1024 need privileges): choose a port from 1024 up',
  EADDRNOTAVAIL: 'no interface of this machine has that address: choose another --host / HOST (0.0.0.0 = every interface)',
  ENOTFOUND: 'the host name does not resolve: choose another --host / HOST',
};

function listenFailure(config: StandaloneConfig, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === undefined || !(code in LISTEN_CAUSES)) return error;
  return new StartupError('CANNOT_LISTEN', `Cannot listen on ${config.host}:${config.port} (${code}): ${LISTEN_CAUSES[code]}`, { cause: error });
}

/** The security limits of the command line as `createSocketkitServer` options (0 turns a rate or the lifetime cap off). */
function limitOptions(limits: SecurityLimits): Partial<SocketkitServerOptions> {
  const options: Partial<SocketkitServerOptions> = {};
  if (limits.maxSocketsPerUser !== undefined) options.maxSocketsPerUser = limits.maxSocketsPerUser;
  if (limits.maxWatchesPerUser !== undefined) options.maxWatchesPerUser = limits.maxWatchesPerUser;
  if (limits.maxPendingRequestsPerUser !== undefined) options.maxPendingRequestsPerUser = limits.maxPendingRequestsPerUser;
  if (limits.conversationsPerHour !== undefined) {
    const perHour = limits.conversationsPerHour;
    options.conversationCreateLimit = perHour === 0 ? false : { burst: perHour, perSecond: perHour / 3600 };
  }
  if (limits.maxTokenLifetimeS !== undefined) options.maxTokenLifetimeS = limits.maxTokenLifetimeS === 0 ? Infinity : limits.maxTokenLifetimeS;
  if (limits.connectTimeoutMs !== undefined) options.connectTimeoutMs = limits.connectTimeoutMs;
  if (limits.maxPendingSessions !== undefined) options.maxPendingSessions = limits.maxPendingSessions;
  if (limits.maxPendingSessionsPerAddress !== undefined) options.maxPendingSessionsPerAddress = limits.maxPendingSessionsPerAddress;
  if (limits.presenceVisibility === 'everyone') options.canSeePresence = everyoneSeesPresence;
  return options;
}

/** The URL without its password, for log lines. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/**
 * Opens the storage (creating or migrating its schema), attaches socketkit
 * and listens. Rejects when the database cannot be opened or the port is
 * taken; nothing is left running then.
 */
export async function startStandaloneServer(config: StandaloneConfig): Promise<StandaloneServer> {
  const { logger } = config;
  const startedAt = performance.now();
  const opened = await openStore(config.storage, logger);
  const storeId = await opened.store.getStoreId?.();
  let redis: OpenedRedis | null = null;
  if (config.redisUrl !== undefined) {
    try {
      const { openRedis } = await import('./redis/connect.js');
      redis = await openRedis(config.redisUrl, config.nodeId, logger);
      logger.info(`cluster: Redis ${redactUrl(config.redisUrl)}, node ${redis.cluster.nodeId}`);
    } catch (error) {
      await opened.close().catch(() => undefined);
      throw new StartupError(
        'REDIS_UNREACHABLE',
        `Cannot reach Redis at ${redactUrl(config.redisUrl)}: ${describeCause(error)}. Check --redis-url / REDIS_URL and that Redis accepts connections from this host.`,
        { cause: error },
      );
    }
  }

  const listener = createHttpListener();
  const { httpServer } = listener;
  let socketkit: SocketkitServer | undefined;
  try {
    socketkit = createSocketkitServer(httpServer, {
      secret: config.secret,
      store: opened.store,
      logger,
      // `--log-level debug`: the pino logger then has `debug`, and the trace lines are made.
      debug: logger.debug !== undefined,
      presenceGraceMs: config.presenceGraceMs,
      clientUrl: config.clientUrl,
      ...limitOptions(config.limits ?? {}),
      ...(redis ? { cluster: redis.cluster } : {}),
    });
    // Registered in Redis (what a dead node of this id left is cleared) before accepting anyone.
    await redis?.cluster.whenStarted();
    if (config.adminUi) {
      await attachAdminUi(socketkit.io, { ...config.adminUi, serverId: config.adminUi.serverId ?? redis?.cluster.nodeId }, logger);
    }
  } catch (error) {
    await socketkit?.close().catch(() => undefined);
    await redis?.close().catch(() => undefined);
    await opened.close().catch(() => undefined);
    throw error;
  }

  const probes: Route[] = [
    healthRoute(socketkit, startedAt, () => (storeId !== undefined ? { storeId } : {})),
    {
      method: 'GET',
      path: '/ready',
      async handle() {
        try {
          const redisUp = redis ? redis.ping(READY_PROBE_TIMEOUT_MS) : Promise.resolve(true);
          await withTimeout(opened.ping(), READY_PROBE_TIMEOUT_MS);
          if (!(await redisUp)) {
            logger.warn('not ready: redis: no answer');
            return { status: 503, body: { ok: false, error: { code: 'UNAVAILABLE', message: 'redis: no answer' } } };
          }
          return { status: 200, body: { ok: true } };
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          logger.warn(`not ready: database: ${message}`);
          // The why stays in the log: anyone may ask /ready (issue 24 #8).
          return { status: 503, body: { ok: false, error: { code: 'UNAVAILABLE', message: 'database: unavailable' } } };
        }
      },
    },
  ];
  const serverApi = createServerApiHandler({ socketkit, apiKey: config.apiKey, logger });
  // The user REST reads (Bearer user JWT); no POST /api/notifications here: a user cannot notify others.
  const userApi: Route[] = [
    ...userApiRoutes(socketkit, bearerAuthenticator(config.secret)),
    {
      // 404, not 405 for GET's path: sending notifications is not a user's route here at all.
      method: 'POST',
      path: '/api/notifications',
      handle() {
        throw new RequestError('NOT_FOUND', 'No POST /api/notifications on socketkit-server: your backend sends with POST /server/users/:userId/notifications');
      },
    },
  ];

  listener.serve((req, res) => {
    void (async () => {
      const url = requestUrl(req, res);
      if (!url) return;
      if (await dispatch(probes, req, res, url, logger)) return;
      if (await dispatch(userApi, req, res, url, logger)) return;
      if (await serverApi(req, res)) return;
      sendError(res, new RequestError('NOT_FOUND', `No route ${req.method ?? 'GET'} ${url.pathname}`));
    })();
  });

  let bound: { port: number; url: string };
  try {
    bound = await listener.listen({ port: config.port, host: config.host });
  } catch (error) {
    await socketkit.close().catch(() => undefined);
    await redis?.close().catch(() => undefined);
    await opened.close().catch(() => undefined);
    throw listenFailure(config, error);
  }
  let closing: Promise<void> | null = null;
  return {
    url: bound.url,
    port: bound.port,
    httpServer,
    socketkit,
    close: () =>
      (closing ??= (async () => {
        await closeHttpListener(socketkit, httpServer);
        await redis?.close();
        await opened.close();
      })()),
  };
}
