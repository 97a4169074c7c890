/** The Redis cluster engine, without a static import of the adapter (see index.ts for the entry). */
import { randomUUID } from 'node:crypto';
import type { createAdapter as CreateAdapter, RedisStreamsAdapterOptions } from '@socket.io/redis-streams-adapter';
import type { SocketkitCluster } from '../presence/cluster.js';
import { withTimeout } from '../timeout.js';
import type { PresenceBackend } from '../presence/presence.js';
import { RedisPresence, type RedisCommandClient, type RedisPresenceTiming, type RedisSubscriber } from './presence.js';

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
 * `createRedisCluster` with the adapter factory given, so the command line
 * can load `@socket.io/redis-streams-adapter` only with `--redis-url`.
 */
export function makeRedisCluster(options: RedisClusterOptions, createAdapter: typeof CreateAdapter): RedisCluster {
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
    createPresence(io, { graceMs, logger, store }): PresenceBackend {
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
        store,
        heartbeatMs,
        nodeTimeoutMs,
      });
      return presence;
    },
    whenStarted: () => presence?.whenStarted() ?? Promise.resolve(),
    async ping(timeoutMs) {
      if (!redis.isReady) return false;
      try {
        await withTimeout(redis.ping(), timeoutMs);
        return true;
      } catch {
        return false;
      }
    },
  };
}
