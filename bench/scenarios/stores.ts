/**
 * The acknowledged-send path on each store: `message:send` is acked only
 * after the store has the message, so a durable store's write is on every
 * ack. Each scenario runs its durable store as "project" against the
 * in-memory store as "baseline" (both socketkit, same rig), so the ratio
 * column is the cost of durability:
 * - `store-embedded`: PGlite in a fresh temporary directory, in the server's
 *   process (its CPU is in "server CPU").
 * - `store-postgres`: PostgreSQL 15 started by the bench (tests/support/postgres.ts),
 *   with fsync on (PostgreSQL's default), a fresh database per round, a pool of 10;
 *   its own CPU is not in "server CPU" (it is another process).
 * 20 rooms of 2; the first member of each sends. Light load: 5 msg/s per
 * sender, ack p50/p99 (rate limiter on). Saturation: 10 in flight per
 * sender for a fixed time, acked messages/s (rate limiter off).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile } from '../lib/stats.js';
import type { BenchStore, ServerKind } from '../lib/children.js';
import { startPostgres, type TestPostgres } from '../../tests/support/postgres.js';
import { connectAll, DELIVERY_CHECKS, refused, setupRooms, userId, warmThenSend, withRig, type MetricDef, type RunOptions, type Scenario } from './common.js';
import { runStorm, stormMetrics } from './storm.js';

const ROOMS = 20;

let postgres: Promise<TestPostgres> | undefined;

async function ackedSends(store: BenchStore, options: RunOptions, server: ServerKind = 'project'): Promise<Record<string, number>> {
  const users = Array.from({ length: ROOMS * 2 }, (_, i) => userId(i));
  const rooms = Array.from({ length: ROOMS }, (_, i) => [users[2 * i] as string, users[2 * i + 1] as string]);
  const senders = rooms.map((r) => r[0] as string);
  const metrics: Record<string, number> = {};
  const phase = async (saturate: boolean) =>
    withRig(server, { store, ...(saturate ? { rateLimit: false as const } : {}) }, 1, options, async (rig) => {
      const conn = await connectAll(rig, users, 40, 20_000);
      if (conn.failed > 0) throw new Error(`connect failed: ${conn.errors.join(', ')}`);
      await setupRooms(rig, rooms);
      const load = saturate
        ? { rate: 0, window: 10, durationMs: options.quick ? 2_000 : 5_000, maxPerSender: 100_000 }
        : { rate: 5, window: 1, durationMs: options.quick ? 2_000 : 5_000, maxPerSender: 1_000 };
      return warmThenSend(rig, senders, { ...load, durationMs: 1_000 }, load, !saturate);
    });
  const light = await phase(false);
  metrics.ackP50 = percentile(light.sent.ackLatencies, 50);
  metrics.ackP99 = percentile(light.sent.ackLatencies, 99);
  const heavy = await phase(true);
  const acked = Object.values(heavy.sent.ackedBySender).reduce((a, b) => a + b, 0);
  metrics.ackedPerS = acked / ((heavy.sent.end - heavy.sent.start) / 1000);
  metrics.cpuPerAck = heavy.serverCpuUs / Math.max(1, acked);
  metrics.lost = light.deliveries.lost + heavy.deliveries.lost;
  metrics.duplicated = light.deliveries.duplicated + heavy.deliveries.duplicated;
  metrics.unexpected = light.deliveries.unexpected + light.deliveries.drops + heavy.deliveries.unexpected + heavy.deliveries.drops;
  metrics.refused = refused(light.sent) + refused(heavy.sent);
  return metrics;
}

const METRICS: MetricDef[] = [
  { key: 'ackedPerS', label: 'acked msgs/s at saturation', unit: '/s', better: 'higher' },
  { key: 'ackP50', label: 'ack latency p50 (5 msg/s × 20)', unit: 'ms', better: 'lower' },
  { key: 'ackP99', label: 'ack latency p99 (5 msg/s × 20)', unit: 'ms', better: 'lower' },
  { key: 'cpuPerAck', label: 'server CPU per acked send', unit: 'µs', better: 'lower' },
  ...DELIVERY_CHECKS,
];

/** The durable store as "project", the memory store as "baseline". */
function storeScenario(name: string, title: string, open: () => Promise<{ store: BenchStore; dispose(): Promise<void> }>): Scenario {
  return {
    name,
    title,
    metrics: METRICS,
    async run(kind: ServerKind, options: RunOptions) {
      if (kind === 'baseline') return ackedSends({ kind: 'memory' }, options);
      const opened = await open();
      try {
        return await ackedSends(opened.store, options);
      } finally {
        await opened.dispose();
      }
    },
  };
}

export const storeEmbedded = storeScenario('store-embedded', 'acked sends on the embedded store (PGlite) vs memory, 20 senders', () => {
  const dir = mkdtempSync(join(tmpdir(), 'socketkit-bench-'));
  return Promise.resolve({ store: { kind: 'embedded', dataDir: dir }, dispose: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })) });
});

export const storePostgres = storeScenario('store-postgres', 'acked sends on PostgreSQL 15 (pool of 10) vs memory, 20 senders', async () => {
  const pg = await (postgres ??= startPostgres({ fsync: true }));
  return { store: { kind: 'postgres', databaseUrl: await pg.createDatabase() }, dispose: () => Promise.resolve() };
});

/**
 * The floor of a durable send on this machine, with the same rig and load as
 * `store-postgres`: plain Socket.IO storing every send in the same PostgreSQL
 * before its ack (one INSERT and one commit per batch, a table with only its
 * primary key: bench/baseline-server.ts) as "project", against the same plain
 * Socket.IO keeping nothing as "baseline". Its ratios are the best any durable
 * implementation can reach here; `store-postgres` ÷ this project is what
 * socketkit's guarantees (idempotency, read cursors, row locks for several
 * nodes, validation, rate limits) add to that floor.
 */
export const storeFloor: Scenario = {
  name: 'store-floor',
  title: 'the durable floor: plain Socket.IO + a PostgreSQL batch insert vs plain Socket.IO, 20 senders',
  metrics: METRICS,
  async run(kind: ServerKind, options: RunOptions) {
    if (kind === 'baseline') return ackedSends({ kind: 'memory' }, options, 'baseline');
    const pg = await (postgres ??= startPostgres({ fsync: true }));
    return ackedSends({ kind: 'postgres', databaseUrl: await pg.createDatabase() }, options, 'baseline');
  },
};

/**
 * The presence connect storm (storm.ts: 5,000 clients at once, each watching
 * its room of 20, then the disconnect storms) on a socketkit node over
 * PostgreSQL against the same node over the memory store: what the database
 * adds per connect and disconnect (profile upserts, the conversations a
 * presence change is announced to). Target (issue 22): ≤ 1.15×.
 */
export const storePostgresStorm: Scenario = {
  name: 'store-postgres-storm',
  title: 'the presence connect storm on PostgreSQL 15 (pool of 10) vs the memory store',
  metrics: stormMetrics(true, 1.15).map((m) => (m.key === 'readyMs' ? m : { ...m, target: undefined })) as MetricDef[],
  async run(kind: ServerKind, options: RunOptions) {
    if (kind === 'baseline') return runStorm('project', options, true, { kind: 'memory' });
    const pg = await (postgres ??= startPostgres({ fsync: true }));
    return runStorm('project', options, true, { kind: 'postgres', databaseUrl: await pg.createDatabase() });
  },
};

/** Stops the bench's PostgreSQL, if a scenario started one. */
export async function stopBenchPostgres(): Promise<void> {
  if (postgres) await (await postgres).stop();
}
