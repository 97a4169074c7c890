/**
 * `npm run bench:cluster`: two socketkit nodes on Redis against two plain
 * Socket.IO nodes with the same Redis Streams adapter (and the same
 * connection state recovery setting), same load, same run, alternating
 * project / baseline rounds with fresh processes, a fresh Redis stream and
 * (project) a fresh PostgreSQL database each time.
 *
 *   npm run bench:cluster                  2 rounds
 *   npm run bench:cluster -- --rounds 3
 *   npm run bench:cluster -- --quick       smaller N, 1 round (smoke)
 *
 * Scenarios (clients split half and half over the two nodes, straight to
 * each node's port; the load generator is this process):
 * - fanout-light: one room of 100 (quick 40), 4 senders (2 per node) × 5 msg/s;
 *   latency from send to each receiver on either node.
 * - fanout-saturate: the same room, each sender keeps 10 messages in flight
 *   for 5 s (rate limiter off); delivered messages per second.
 * - storm: 5,000 clients (quick 1,000) connect at once, 200 handshakes in
 *   flight; socketkit keeps cluster-wide presence in Redis for each,
 *   the baseline keeps none. Time until all are connected (socketkit: until
 *   `connection:established`), and socketkit's `presence:list` must then
 *   count every one of them on either node.
 * Every acknowledged message must reach every other member exactly once.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import jwt from 'jsonwebtoken';
import { createClient } from 'redis';
import { io, type Socket } from 'socket.io-client';
import { startPostgres } from '../tests/support/postgres.js';
import { startRedis } from '../tests/support/redis.js';
import { median, percentile, round } from './lib/stats.js';

/** `project-memory`: socketkit's cluster layer on the memory store (isolates Redis from PostgreSQL; not a valid deployment). */
type Kind = 'project' | 'project-memory' | 'baseline';
const KINDS: Kind[] = ['project', 'project-memory', 'baseline'];
const SECRET = 'socketkit-bench-secret';
const NODE_FILE = fileURLToPath(new URL('./cluster-node.ts', import.meta.url));

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const roundsArg = argv.indexOf('--rounds');
const rounds = roundsArg >= 0 ? Math.max(1, Number(argv[roundsArg + 1])) : quick ? 1 : 2;
const ROOM = quick ? 40 : 100;
const STORM = quick ? 1000 : 5000;

interface Node {
  child: ChildProcess;
  url: string;
  cpuUs(): Promise<number>;
  close(): Promise<void>;
}

async function startNode(kind: Kind, databaseUrl: string, redisUrl: string): Promise<Node> {
  const child = fork(NODE_FILE, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_KIND: kind, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, BENCH_SECRET: SECRET, BENCH_ROOM: String(ROOM) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} node did not start in 60 s`)), 60_000);
    child.once('message', (raw) => {
      clearTimeout(timer);
      resolve((raw as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`${kind} node exited ${code}`)));
  });
  const ask = <T>(op: string) =>
    new Promise<T>((resolve) => {
      child.once('message', (raw) => resolve(raw as T));
      child.send({ op });
    });
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    cpuUs: async () => (await ask<{ cpuUs: number }>('cpu')).cpuUs,
    close: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.send({ op: 'close' });
      }),
  };
}

const token = (userId: string) => jwt.sign({ userId }, SECRET, { algorithm: 'HS256', expiresIn: 3600 });

/** Connects `users` (user i to node i % 2), at most `concurrency` handshakes in flight. */
async function connectAll(kind: Kind, nodes: Node[], users: string[], concurrency: number): Promise<Socket[]> {
  const sockets: Socket[] = new Array<Socket>(users.length);
  let next = 0;
  const ready = kind === 'baseline' ? 'connect' : 'connection:established';
  const one = async (): Promise<void> => {
    for (let i = next++; i < users.length; i = next++) {
      const socket = io((nodes[i % 2] as Node).url, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        auth: { token: token(users[i] as string) },
        timeout: 60_000,
      });
      sockets[i] = socket;
      await new Promise<void>((resolve, reject) => {
        socket.once(ready, () => resolve());
        socket.once('connect_error', reject);
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, one));
  return sockets;
}

const ack = <T>(socket: Socket, event: string, payload: unknown) => socket.timeout(30_000).emitWithAck(event, payload) as Promise<T>;

interface Delivery {
  lost: number;
  duplicated: number;
}

/** Fan-out in one room; `inFlight` 0 means 5 msg/s per sender (light), else that many unacknowledged per sender. */
async function fanout(kind: Kind, nodes: Node[], inFlight: number, durationMs: number): Promise<Record<string, number>> {
  const users = Array.from({ length: ROOM }, (_, i) => `f${i}`);
  const sockets = await connectAll(kind, nodes, users, 50);
  try {
    // The memory store is per node: its room is seeded on both (bench/cluster-node.ts).
    const conversationId =
      kind === 'project-memory'
        ? 'bench-room'
        : (
            await ack<{ ok: boolean; conversation: { id: string } }>(sockets[0] as Socket, 'conversation:create', {
              participantIds: users.slice(1),
            })
          ).conversation.id;
    await Promise.all(sockets.map((s) => ack(s, 'conversation:join', conversationId)));
    const seen = sockets.map(() => new Set<string>());
    let duplicated = 0;
    let deliveries = 0;
    let lastReceiveAt = 0;
    const latencies: number[] = [];
    sockets.forEach((socket, i) =>
      socket.on('message:new', (message: { content: string }) => {
        const at = performance.now();
        const [key, sentAt] = message.content.split(' ') as [string, string];
        if (seen[i]?.has(key)) duplicated++;
        seen[i]?.add(key);
        deliveries++;
        lastReceiveAt = at;
        latencies.push(at - Number(sentAt));
      }),
    );
    const senders = sockets.slice(0, 4);
    const acked: { sender: number; key: string }[] = [];
    let refused = 0;
    const start = performance.now();
    const deadline = start + durationMs;
    // Unique per run: a repeated (sender, clientMessageId) is acknowledged without a broadcast (idempotency).
    const run = `${inFlight}-${Date.now()}`;
    let counter = 0;
    const pending: Promise<void>[] = [];
    const sendOne = async (s: number) => {
      const key = `k${run}-${counter++}`;
      const answer = await ack<{ ok: boolean }>(senders[s] as Socket, 'message:send', {
        conversationId,
        content: `${key} ${performance.now()}`,
        clientMessageId: key,
      }).catch(() => ({ ok: false }));
      if (answer.ok) acked.push({ sender: s, key });
      else refused++;
    };
    await Promise.all(
      senders.map(async (_, s) => {
        if (inFlight === 0) {
          for (let n = 0; performance.now() < deadline; n++) {
            const due = start + n * 200 + s * 50;
            if (due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()));
            pending.push(sendOne(s));
          }
        } else {
          await Promise.all(
            Array.from({ length: inFlight }, async () => {
              while (performance.now() < deadline) await sendOne(s);
            }),
          );
        }
      }),
    );
    await Promise.all(pending);
    const sendEnd = performance.now();
    // Wait for the tail of deliveries (every acked message to everyone else).
    const expected = acked.length * (ROOM - 1);
    const waitUntil = performance.now() + 20_000;
    while (deliveries < expected && performance.now() < waitUntil) await new Promise((r) => setTimeout(r, 20));
    const delivery: Delivery = { lost: 0, duplicated };
    for (const { sender, key } of acked) {
      seen.forEach((set, i) => {
        if (i !== sender && !set.has(key)) delivery.lost++;
      });
    }
    const metrics: Record<string, number> = { messages: acked.length, deliveries, lost: delivery.lost, duplicated, refused };
    if (inFlight === 0) {
      metrics.p50 = percentile(latencies, 50);
      metrics.p99 = percentile(latencies, 99);
    } else {
      metrics.deliveredPerS = deliveries / ((Math.max(lastReceiveAt, sendEnd) - start) / 1000);
    }
    return metrics;
  } finally {
    for (const socket of sockets) socket.disconnect();
  }
}

async function storm(kind: Kind, nodes: Node[]): Promise<Record<string, number>> {
  const users = Array.from({ length: STORM }, (_, i) => `s${i}`);
  const start = performance.now();
  const sockets = await connectAll(kind, nodes, users, 200);
  const connectMs = performance.now() - start;
  const metrics: Record<string, number> = { connectMs };
  try {
    if (kind !== 'baseline') {
      // Cluster-wide presence right on both nodes: every user online, wherever it connected.
      for (const [i, socket] of [sockets[0], sockets[1]].entries()) {
        const ids = new Set<string>();
        const until = performance.now() + 30_000;
        for (let cursor: string | undefined; performance.now() < until; ) {
          const page = await ack<{ ok: boolean; users: { userId: string }[]; hasMore: boolean }>(socket as Socket, 'presence:list', {
            limit: 1000,
            ...(cursor ? { cursor } : {}),
          });
          for (const user of page.users) if (user.userId.startsWith('s')) ids.add(user.userId);
          if (!page.hasMore) {
            if (ids.size === STORM) break;
            ids.clear();
            cursor = undefined;
            await new Promise((r) => setTimeout(r, 100));
            continue;
          }
          cursor = page.users[page.users.length - 1]?.userId;
        }
        metrics[`presenceWrongNode${i}`] = STORM - ids.size;
      }
      metrics.readyMs = performance.now() - start;
    }
    return metrics;
  } finally {
    for (const socket of sockets) socket.disconnect();
  }
}

async function main(): Promise<void> {
  console.log(`bench:cluster on ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; the machine is shared, figures move with its load`);
  const [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
  const admin = createClient({ url: redis.url });
  await admin.connect();
  const results: Record<string, Record<Kind, Record<string, number>[]>> = {};
  const record = (scenario: string, kind: Kind, metrics: Record<string, number>) => {
    results[scenario] ??= { project: [], 'project-memory': [], baseline: [] };
    results[scenario][kind].push(metrics);
    console.log(`${scenario.padEnd(16)} ${kind.padEnd(8)} ${JSON.stringify(Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, round(v)])))}`);
  };
  try {
    for (let r = 0; r < rounds; r++) {
      for (const kind of KINDS) {
        await admin.flushAll();
        const databaseUrl = await postgres.createDatabase();
        const nodes = await Promise.all([startNode(kind, databaseUrl, redis.url), startNode(kind, databaseUrl, redis.url)]);
        try {
          const cpu0 = await Promise.all(nodes.map((n) => n.cpuUs()));
          const light = await fanout(kind, nodes, 0, quick ? 3000 : 8000);
          const cpu1 = await Promise.all(nodes.map((n) => n.cpuUs()));
          light.cpuPerDelivery = (cpu1[0]! + cpu1[1]! - cpu0[0]! - cpu0[1]!) / Math.max(1, light.deliveries ?? 1);
          record('fanout-light', kind, light);
          record('fanout-saturate', kind, await fanout(kind, nodes, 10, quick ? 2000 : 5000));
          record('storm', kind, await storm(kind, nodes));
        } finally {
          await Promise.all(nodes.map((n) => n.close()));
        }
      }
    }
  } finally {
    await admin.close();
    await Promise.all([redis.stop(), postgres.stop()]);
  }
  const table: string[] = [
    '| scenario | metric | socketkit, PostgreSQL | ratio | socketkit, memory store | ratio | baseline |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  const cell = (value: number) => (Number.isFinite(value) ? String(round(value)) : 'n/a');
  for (const [scenario, sides] of Object.entries(results)) {
    for (const key of Object.keys(sides.project[0] ?? {})) {
      const [p, m, b] = KINDS.map((kind) => median(sides[kind].map((metrics) => metrics[key] ?? NaN))) as [number, number, number];
      const ratio = (x: number) => (b > 0 && Number.isFinite(x) ? `${(x / b).toFixed(2)}×` : '');
      table.push(`| ${scenario} | ${key} | ${cell(p)} | ${ratio(p)} | ${cell(m)} | ${ratio(m)} | ${cell(b)} |`);
    }
  }
  console.log(table.join('\n'));
  const out = fileURLToPath(new URL('./results/cluster.json', import.meta.url));
  writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), rounds, quick, loadavg: os.loadavg(), results }, null, 2));
  console.log(`written ${out}`);
}

await main();
process.exit(0);
