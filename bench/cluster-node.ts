/**
 * One node of the two-node benchmark (bench/cluster.ts), as its own process.
 * `BENCH_KIND=project`: socketkit with the PostgreSQL store and
 * `createRedisCluster` (what `socketkit-server --database-url --redis-url`
 * runs), rate limiter off (the load is the bench's to choose).
 * `BENCH_KIND=baseline`: the plain Socket.IO baseline with the same Redis
 * Streams adapter and the same connection state recovery setting.
 * `BENCH_KIND=project-memory`: socketkit's cluster layer with the in-memory
 * store, which is NOT a valid deployment (each node its own `seq`) but
 * isolates what Redis, the adapter and presence cost from what PostgreSQL costs.
 * Env: DATABASE_URL, REDIS_URL, BENCH_SECRET. Sends `{ port }` over IPC once listening,
 * answers `cpu` with its CPU time (µs), exits on `close`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import pg from 'pg';
import { createClient } from 'redis';

const kind = process.env.BENCH_KIND ?? 'baseline';
const secret = process.env.BENCH_SECRET ?? 'socketkit-bench-secret';
const redis = createClient({ url: process.env.REDIS_URL });
redis.on('error', () => undefined);
await redis.connect();

let close: () => Promise<void>;
let port: number;
if (kind === 'project' || kind === 'project-memory') {
  const { createSocketkitServer, createMemoryStore, everyoneSeesPresence } = await import('../src/server/index.js');
  const { createPostgresStore } = await import('../src/server/sql/postgres.js');
  const { createRedisCluster } = await import('../src/server/redis/index.js');
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  // The memory store is per node: every node gets the bench's room seeded (bench/cluster.ts joins `bench-room`).
  const room = Array.from({ length: Number(process.env.BENCH_ROOM ?? 100) }, (_, i) => `f${i}`);
  const store =
    kind === 'project'
      ? await createPostgresStore({ pool })
      : createMemoryStore({ users: [], conversations: [{ id: 'bench-room', participantIds: room }] });
  const cluster = createRedisCluster({ redis });
  const httpServer = http.createServer();
  // Every bench client connects from 127.0.0.1: the per-address bound on sessions waiting for their token (256) is lifted.
  // The storm checks cluster-wide presence with presence:list over every user (no conversations are made on
  // PostgreSQL), so it runs with the open policy (--presence-visibility everyone), as before the default changed.
  const socketkit = createSocketkitServer(httpServer, {
    store,
    cluster,
    secret,
    quiet: true,
    rateLimit: false,
    presenceGraceMs: 0,
    maxPendingSessions: 50_000,
    maxPendingSessionsPerAddress: 50_000,
    canSeePresence: everyoneSeesPresence,
  });
  await cluster.whenStarted();
  await new Promise<void>((resolve) => httpServer.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve));
  port = (httpServer.address() as AddressInfo).port;
  close = async () => {
    await socketkit.close();
    await pool.end();
  };
} else {
  const { createBaselineServer } = await import('./baseline-server.js');
  const server = await createBaselineServer({ port: 0, host: '127.0.0.1', secret, backlog: 4096, adapter: createAdapter(redis) });
  port = server.port;
  close = server.close;
}

process.on('message', (raw: unknown) => {
  const message = raw as { op?: string };
  if (message.op === 'cpu') {
    const cpu = process.cpuUsage();
    process.send?.({ cpuUs: cpu.user + cpu.system });
  } else if (message.op === 'close') {
    void close().finally(() => process.exit(0));
  }
});
process.send?.({ port });
