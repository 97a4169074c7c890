/**
 * `socketkit/server/redis`: several socketkit nodes as one deployment, on
 * Redis. Room broadcasts travel through Socket.IO's Redis Streams adapter
 * (the one that supports connection state recovery across nodes); presence
 * is shared in Redis and decided by Lua scripts. Needs the optional peer
 * dependencies `redis` (5) and `@socket.io/redis-streams-adapter` (0.3), and
 * a store every node shares (PostgreSQL). See docs/deploy.md, "Several nodes
 * on Redis". The adapter is loaded when a cluster is made, so importing
 * this entry needs neither package.
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
import { createRequire } from 'node:module';
import type { createAdapter as CreateAdapter } from '@socket.io/redis-streams-adapter';
import { makeRedisCluster, type RedisCluster, type RedisClusterOptions } from './engine.js';

export type { SocketkitCluster } from '../presence/cluster.js';
export type { RedisCommandClient, RedisSubscriber, RedisPresenceTiming } from './presence.js';
export { RedisPresence } from './presence.js';
export { DEFAULT_HEARTBEAT_MS, DEFAULT_NODE_TIMEOUT_MS } from './engine.js';
export type { RedisCluster, RedisClusterClient, RedisClusterOptions } from './engine.js';

/**
 * Makes the cluster engine for one node, for `createSocketkitServer({ cluster })`.
 * Throws `TypeError` when `redis` is not a node-redis 5 client or the timing
 * is impossible. Presence commands issued while Redis is unreachable wait in
 * the client's offline queue, and the node re-registers its users when
 * Redis comes back (an emptied Redis included).
 */
export function createRedisCluster(options: RedisClusterOptions): RedisCluster {
  return makeRedisCluster(options, loadAdapter());
}

/**
 * The adapter's `createAdapter`, required on first use (the package is
 * CommonJS, so this stays synchronous). Throws `Error` naming the packages to
 * install when it is missing.
 */
function loadAdapter(): typeof CreateAdapter {
  try {
    const adapter = createRequire(import.meta.url)('@socket.io/redis-streams-adapter') as { createAdapter: typeof CreateAdapter };
    return adapter.createAdapter;
  } catch (error) {
    throw new Error(
      'socketkit/server/redis needs the optional packages redis and @socket.io/redis-streams-adapter: npm install redis @socket.io/redis-streams-adapter',
      { cause: error },
    );
  }
}
