/**
 * A server under test, in its own process so its memory and CPU can be read
 * apart from the load generator's. Started by bench/lib/children.ts with
 * `BENCH_SERVER=project|baseline` and `BENCH_CONFIG` (JSON); reports
 * `{ ready: true, port }` then answers rpc calls: `stats` (RSS, heap, CPU,
 * open connections, after a GC when asked) and `close`.
 */
import { writeHeapSnapshot } from 'node:v8';
import { serveRpc } from './lib/ipc.js';
import type { BenchStore } from './lib/children.js';

interface ServerConfig {
  secret: string;
  /** Project only: `false` turns the rate limiter off. */
  rateLimit?: { burst: number; perSecond: number } | false;
  presenceGraceMs?: number;
  /** Project: socketkit over this store on a plain http server (the store scenarios). Baseline: PostgreSQL only, the durable floor (baseline-server.ts). */
  store?: BenchStore;
  /** With `store`: conversations (participant ids) made before listening, for the default presence policy. */
  conversations?: string[][];
}

interface Running {
  port: number;
  connections(): number;
  close(): Promise<void>;
}

const kind = process.env.BENCH_SERVER ?? 'baseline';

// Both servers get the same listen backlog. Node's default (511) overflows in a
// 5,000-client connect storm and the kernel's SYN retries (1 s, 3 s, …) then
// dominate the wall time of whichever side accepts more slowly.
const LISTEN_BACKLOG = 4096;
/**
 * Every bench client connects from 127.0.0.1, so the bounds on sessions
 * waiting for their token (256 per address, 5,000 in all: issue 24) would
 * refuse most of a 5,000-client storm and measure the bound, not the
 * server. The bench lifts them above its largest storm, as an operator whose
 * clients come from one proxy address would.
 */
const BENCH_SESSION_LIMITS = { maxPendingSessions: 50_000, maxPendingSessionsPerAddress: 50_000 };
const config = JSON.parse(process.env.BENCH_CONFIG ?? '{}') as ServerConfig;

async function start(): Promise<Running> {
  if (kind === 'baseline') {
    const { createBaselineServer } = await import('./baseline-server.js');
    const server = await createBaselineServer({
      port: 0,
      host: '127.0.0.1',
      secret: config.secret,
      backlog: LISTEN_BACKLOG,
      ...(config.store?.kind === 'postgres' ? { durable: { databaseUrl: config.store.databaseUrl } } : {}),
    });
    return { port: server.port, connections: () => server.io.engine.clientsCount, close: server.close };
  }
  if (config.store) return startOnStore(config.store);
  // Imported by path so the bench needs no build: tsx resolves the sources.
  const { createMockServer } = await import('../mock-server/index.js');
  const server = await createMockServer({
    port: 0,
    host: '127.0.0.1',
    secret: config.secret,
    seed: 'none',
    quiet: true,
    backlog: LISTEN_BACKLOG,
    ...BENCH_SESSION_LIMITS,
    ...(config.rateLimit !== undefined ? { rateLimit: config.rateLimit } : {}),
    ...(config.presenceGraceMs !== undefined ? { presenceGraceMs: config.presenceGraceMs } : {}),
  });
  return { port: server.port, connections: () => server.io.engine.clientsCount, close: () => server.close() };
}

/** socketkit on `store`, as `socketkit-server` runs it (the store scenarios). */
async function startOnStore(choice: BenchStore): Promise<Running> {
  const { createServer } = await import('node:http');
  const { createMemoryStore, createSocketkitServer } = await import('../src/server/index.js');
  let store;
  let closeStore = (): Promise<void> => Promise.resolve();
  if (choice.kind === 'embedded') {
    const { createEmbeddedStore } = await import('../src/server/sql/embedded.js');
    const embedded = await createEmbeddedStore({ dataDir: choice.dataDir });
    store = embedded;
    closeStore = () => embedded.close();
  } else if (choice.kind === 'postgres') {
    const { default: pg } = await import('pg');
    const { createPostgresStore } = await import('../src/server/sql/postgres.js');
    const pool = new pg.Pool({ connectionString: choice.databaseUrl, max: 10 });
    store = await createPostgresStore({ pool });
    closeStore = () => pool.end();
  } else {
    store = createMemoryStore();
  }
  for (const participantIds of config.conversations ?? []) {
    await store.createConversation({ participantIds, title: null, createdBy: participantIds[0] ?? 'bench' });
  }
  const httpServer = createServer((_req, res) => {
    res.writeHead(404);
    res.end();
  });
  const socketkit = createSocketkitServer(httpServer, {
    secret: config.secret,
    store,
    quiet: true,
    ...BENCH_SESSION_LIMITS,
    ...(config.rateLimit !== undefined ? { rateLimit: config.rateLimit } : {}),
    ...(config.presenceGraceMs !== undefined ? { presenceGraceMs: config.presenceGraceMs } : {}),
  });
  await new Promise<void>((resolve) => httpServer.listen({ port: 0, host: '127.0.0.1', backlog: LISTEN_BACKLOG }, resolve));
  const port = (httpServer.address() as { port: number }).port;
  return {
    port,
    connections: () => socketkit.io.engine.clientsCount,
    close: async () => {
      const done = socketkit.close();
      httpServer.closeAllConnections();
      await done;
      await closeStore();
    },
  };
}

/** What the parent reads: memory and CPU of this process. */
function stats(collect: boolean): object {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (collect && gc) {
    gc();
    gc();
  }
  const mem = process.memoryUsage();
  const cpu = process.cpuUsage();
  return {
    rss: mem.rss,
    heapUsed: mem.heapUsed,
    external: mem.external,
    cpuUs: cpu.user + cpu.system,
    connections: running?.connections() ?? 0,
  };
}

let running: Running | undefined;

serveRpc({
  stats: (args: { gc?: boolean }) => stats(args.gc === true),
  /** Writes a heap snapshot (for `--heap-snapshot`); returns its path. */
  snapshot: (args: { file: string }) => writeHeapSnapshot(args.file),
  close: async () => {
    await running?.close();
    // Let the reply go out, then leave (a --cpu-prof profile is written on exit).
    setTimeout(() => process.exit(0), 50);
    return true;
  },
});

start().then(
  (server) => {
    running = server;
    process.send?.({ ready: true, port: server.port });
  },
  (err: unknown) => {
    process.send?.({ ready: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    setTimeout(() => process.exit(1), 50);
  },
);
