/**
 * One socketkit node for the cluster tests, as a real process: PostgreSQL
 * store + Redis cluster, `/health` and `/ready` like socketkit-server.
 * (Stands in for `socketkit-server --database-url … --redis-url …` where a
 * test needs options the command line does not have: a long node timeout.)
 *
 * Env: PORT, DATABASE_URL, REDIS_URL, JWT_SECRET, NODE_ID, PRESENCE_GRACE_MS,
 * HEARTBEAT_MS, NODE_TIMEOUT_MS. Prints `listening <port>` once ready.
 */
import http from 'node:http';
import pg from 'pg';
import { createClient } from 'redis';
import { createSocketkitServer, everyoneSeesPresence } from '../../../src/server/index.js';
import { createPostgresStore } from '../../../src/server/sql/postgres.js';
import { createRedisCluster } from '../../../src/server/redis/index.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const optionalInt = (name: string): number | undefined => (process.env[name] ? Number(process.env[name]) : undefined);

const pool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: 5 });
pool.on('error', () => undefined);
const store = await createPostgresStore({ pool });
const redis = createClient({ url: env('REDIS_URL'), socket: { reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 500) } });
redis.on('error', () => undefined);
await redis.connect();
const cluster = createRedisCluster({
  redis,
  nodeId: process.env.NODE_ID,
  heartbeatMs: optionalInt('HEARTBEAT_MS'),
  nodeTimeoutMs: optionalInt('NODE_TIMEOUT_MS'),
});

const withTimeout = <T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> =>
  Promise.race([promise, new Promise<T>((resolve) => setTimeout(() => resolve(fallback), ms).unref())]);

const httpServer = http.createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, nodeId: cluster.nodeId }));
    return;
  }
  if (req.url === '/ready') {
    void Promise.all([
      withTimeout(pool.query('SELECT 1').then(() => true, () => false), 2000, false),
      cluster.ping(2000),
    ]).then(([database, redisUp]) => {
      const ok = database && redisUp;
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ ok, database, redis: redisUp }));
    });
    return;
  }
  // Socket.IO answers its own path; anything else is not here.
  if (!req.url?.startsWith('/socket.io')) res.writeHead(404).end();
});

const socketkit = createSocketkitServer(httpServer, {
  store,
  cluster,
  secret: env('JWT_SECRET'),
  quiet: process.env.QUIET !== '0',
  presenceGraceMs: optionalInt('PRESENCE_GRACE_MS') ?? 0,
  clientUrl: 'http://localhost',
  // These tests watch users they share no conversation with.
  canSeePresence: everyoneSeesPresence,
});
await cluster.whenStarted();

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(1), 10_000).unref();
  void socketkit
    .close()
    .then(() => redis.close())
    .then(() => pool.end())
    .then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

httpServer.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = httpServer.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : ''}`);
});
