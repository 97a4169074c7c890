/**
 * `socketkit/server/redis`: several socketkit nodes as one deployment, on
 * Redis. Room broadcasts travel through Socket.IO's Redis Streams adapter
 * (the one that supports connection state recovery across nodes); presence
 * is shared in Redis and decided by Lua scripts. Needs the optional peer
 * dependencies `redis` (5) and `@socket.io/redis-streams-adapter` (0.3), and
 * a store every node shares (PostgreSQL). See docs/deploy-several-nodes.md.
 *
 * @example
 * import { createClient } from 'redis';
 * import { createSocketkitServer } from 'socketkit/server';
 * import { createRedisCluster } from 'socketkit/server/redis';
 *
 * const redis = createClient({ url: process.env.REDIS_URL });
 * redis.on('error', (error) => console.error('redis', error));
 * await redis.connect();
 * const cluster = createRedisCluster({ redis, nodeId: process.env.NODE_ID });
 * const socketkit = createSocketkitServer(httpServer, { store, cluster });
 * // shutdown: await socketkit.close(); await redis.close();
 */
import { randomUUID } from 'node:crypto';
import { createAdapter, type RedisStreamsAdapterOptions } from '@socket.io/redis-streams-adapter';
import type { SocketkitCluster } from '../cluster.js';
import type { PresenceBackend } from '../presence.js';
import { RedisPresence, type RedisCommandClient, type RedisPresenceTiming, type RedisSubscriber } from './presence.js';

export type { SocketkitCluster } from '../cluster.js';
export type { RedisCommandClient, RedisSubscriber, RedisPresenceTiming } from './presence.js';
export { RedisPresence } from './presence.js';

/** A connected node-redis 5 client (`createClient()` + `await connect()`). */
export interface RedisClusterClient extends RedisCommandClient {
  /** A new client with the same options, not yet connected (node-redis `duplicate()`). */
  duplicate(): { connect(): Promise<unknown> } & RedisSubscriber;
}

/** Options of `createRedisCluster`. */
export interface RedisClusterOptions extends Partial<RedisPresenceTiming> {
  /**
   * A connected node-redis 5 client you created. socketkit never closes it;
   * it opens two duplicates of its own (the adapter's stream reader and the
   * presence subscriber) and closes them with the server.
   */
  redis: RedisClusterClient;
  /**
   * This node's id, unique among live nodes. Default: a random UUID per
   * process. A node started under the id of a dead node first clears what
   * that node left (its users go offline after the grace period unless
   * connected elsewhere).
   */
  nodeId?: string;
  /** Prefix of socketkit's presence keys. Default `socketkit:presence:`. */
  keyPrefix?: string;
  /** Passed to the Redis Streams adapter (e.g. `streamName`, `maxLen`). */
  adapter?: RedisStreamsAdapterOptions;
}

/** A cluster engine on Redis, given to `createSocketkitServer({ cluster })`. */
export interface RedisCluster extends SocketkitCluster {
  /** Resolves once this node registered its presence in Redis (after clearing what a dead node of its id left). */
  whenStarted(): Promise<void>;
}

/** Defaults: users of a SIGKILLed node go offline within 8 s + one heartbeat + grace + one heartbeat (≤ 12 s + grace). */
export const DEFAULT_HEARTBEAT_MS = 2000;
export const DEFAULT_NODE_TIMEOUT_MS = 8000;

/**
 * Makes the cluster engine for one node. Throws when `redis` is not a
 * node-redis client; presence commands issued while Redis is unreachable
 * wait in the client's offline queue, and the node re-registers its users
 * when Redis comes back (an emptied Redis included).
 */
export function createRedisCluster(options: RedisClusterOptions): RedisCluster {
  const { redis } = options;
  if (!redis || typeof redis.evalSha !== 'function' || typeof redis.duplicate !== 'function') {
    throw new TypeError('createRedisCluster: `redis` must be a node-redis 5 client (createClient() from "redis")');
  }
  const nodeId = options.nodeId ?? randomUUID();
  if (nodeId.length === 0 || nodeId.length > 200) throw new TypeError('createRedisCluster: nodeId must be 1 to 200 characters');
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const nodeTimeoutMs = options.nodeTimeoutMs ?? DEFAULT_NODE_TIMEOUT_MS;
  if (!(heartbeatMs > 0) || !(nodeTimeoutMs > heartbeatMs)) {
    throw new TypeError('createRedisCluster: heartbeatMs must be positive and nodeTimeoutMs longer than heartbeatMs');
  }
  let presence: RedisPresence | null = null;

  return {
    nodeId,
    adapter: createAdapter(redis, options.adapter ?? {}),
    createPresence(io, { graceMs, logger }): PresenceBackend {
      if (presence) throw new Error('createRedisCluster: one cluster engine serves one socketkit server');
      presence = new RedisPresence(io, {
        client: redis,
        subscriber: async () => {
          const subscriber = redis.duplicate();
          subscriber.on('error', (error) => logger.warn(`presence subscriber: ${String(error)}`));
          await subscriber.connect();
          return subscriber;
        },
        nodeId,
        keyPrefix: options.keyPrefix ?? 'socketkit:presence:',
        graceMs,
        logger,
        heartbeatMs,
        nodeTimeoutMs,
      });
      return presence;
    },
    whenStarted: () => presence?.whenStarted() ?? Promise.resolve(),
    async ping(timeoutMs) {
      if (!redis.isReady) return false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      try {
        return await Promise.race([redis.ping().then(() => true), timeout]);
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
