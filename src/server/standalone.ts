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
import type { SocketkitServer } from './types.js';

/** Where the data lives: exactly one of these. */
export type StorageConfig =
  | { kind: 'embedded'; dataDir: string }
  | { kind: 'postgres'; databaseUrl: string }
  | { kind: 'memory' };

/** Everything `startStandaloneServer` needs, already validated (the CLI's job). */
export interface StandaloneConfig {
  port: number;
  host: string;
  secret: string;
  storage: StorageConfig;
  /** Turns on the server API (`/server/*`); without it those paths answer 404. */
  apiKey?: string;
  presenceGraceMs: number;
  /** Several nodes: Redis (`--redis-url`; the storage must be PostgreSQL) and this node's id (`--node-id`). */
  redisUrl?: string;
  nodeId?: string;
  /** Allowed browser origins (env `CLIENT_URL`); default the Vite and Storybook dev origins. */
  clientUrl?: string | string[];
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
      try {
        const store = await createPostgresStore({ pool });
        logger.info(`storage: PostgreSQL ${redactUrl(storage.databaseUrl)}`);
        return { store, ping: () => store.ping(), close: () => pool.end() };
      } catch (error) {
        await pool.end().catch(() => undefined);
        throw error;
      }
    }
  }
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
      throw error;
    }
  }

  const listener = createHttpListener();
  const { httpServer } = listener;
  let socketkit: SocketkitServer;
  try {
    socketkit = createSocketkitServer(httpServer, {
      secret: config.secret,
      store: opened.store,
      logger,
      presenceGraceMs: config.presenceGraceMs,
      clientUrl: config.clientUrl,
      ...(redis ? { cluster: redis.cluster } : {}),
    });
    // Registered in Redis (what a dead node of this id left is cleared) before accepting anyone.
    await redis?.cluster.whenStarted();
  } catch (error) {
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
          return { status: 503, body: { ok: false, error: { code: 'UNAVAILABLE', message: `database: ${message}` } } };
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
    throw error;
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
