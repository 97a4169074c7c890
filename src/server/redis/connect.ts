/**
 * `socketkit-server --redis-url`: opens the node-redis client and the
 * cluster engine for the standalone server. Loaded only with `--redis-url`,
 * so `redis` and the adapter stay optional.
 */
import { hostname } from 'node:os';
import type { SocketkitLogger } from '../logger.js';
import { withTimeout } from '../timeout.js';
import { makeRedisCluster, type RedisCluster } from './engine.js';

/** The standalone server's Redis: the cluster engine, a probe for `/ready`, and how to close the client. */
export interface OpenedRedis {
  cluster: RedisCluster;
  /** Resolves true while Redis answers within `timeoutMs`. */
  ping(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Give up starting when Redis does not answer within this long (exit 1, "cannot start"). */
const CONNECT_TIMEOUT_MS = 10_000;
/** Reconnection backoff: 100 ms doubling, at most 2 s between attempts. */
const reconnectStrategy = (retries: number) => Math.min(100 * 2 ** retries, 2000);

/**
 * Connects to `url` and makes the cluster engine under `nodeId` (default
 * `<host name>-<pid>`: a restarted container keeps its id, so it clears what
 * its previous life left). Rejects when Redis does not answer within 10 s.
 */
export async function openRedis(url: string, nodeId: string | undefined, logger: SocketkitLogger): Promise<OpenedRedis> {
  // Loaded here, not at the top: the command bundles this file, and these are optional peer dependencies.
  const [{ createClient }, { createAdapter }] = await Promise.all([import('redis'), import('@socket.io/redis-streams-adapter')]);
  const redis = createClient({ url, socket: { reconnectStrategy, connectTimeout: 5000 } });
  let lastError = '';
  redis.on('error', (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    // One line per kind of failure, not one per reconnection attempt.
    if (message !== lastError) logger.warn(`redis: ${message}`);
    lastError = message;
  });
  redis.on('ready', () => {
    if (lastError !== '') logger.info('redis: connected again');
    lastError = '';
  });
  try {
    await withTimeout(redis.connect(), CONNECT_TIMEOUT_MS, 'Redis did not answer');
  } catch (error) {
    redis.destroy();
    throw error;
  }
  const cluster = makeRedisCluster({ redis, nodeId: nodeId ?? `${hostname()}-${process.pid}` }, createAdapter);
  return {
    cluster,
    ping: (timeoutMs) => cluster.ping(timeoutMs),
    async close() {
      // A clean QUIT while Redis answers; otherwise drop the connection (queued commands are lost anyway).
      if (redis.isReady) await redis.close();
      else redis.destroy();
    },
  };
}
