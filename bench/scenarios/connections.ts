/**
 * Connections: N clients connect (at most 500 handshakes in flight), are held
 * for a few seconds, and the server's memory per connection is read from its
 * own process (RSS and V8 heap after a full GC, after minus before, / N).
 * 50 warm-up connections come first, so code compiled and caches filled on
 * first use are not counted as a per-connection cost.
 */
import { sleep } from '../lib/clock.js';
import { connectAll, setupRooms, userId, withRig, type Scenario } from './common.js';

/** How long the connections are held before memory is read and drops are counted. */
const HOLD_MS = 2_000;

function connections(full: number, quickSize: number): Scenario {
  return {
    name: `connections-${full}`,
    title: `connections, ${full.toLocaleString('en-US')} clients (500 handshakes in flight), held ${HOLD_MS / 1000} s`,
    metrics: [
      { key: 'connectMs', label: 'time to connect all', unit: 'ms', better: 'lower' },
      { key: 'rssPerConn', label: 'server RSS per connection', unit: 'KB', better: 'lower', ...(full === 2_000 ? { target: { max: 1.25 } } : {}) },
      { key: 'heapPerConn', label: 'server heap per connection', unit: 'KB', better: 'lower', ...(full === 2_000 ? { target: { max: 1.15 } } : {}) },
      { key: 'failed', label: 'failed or dropped connections', unit: '', better: 'lower', mustBeZero: true },
    ],
    run: (kind, options) => {
      const n = options.quick ? quickSize : full;
      const users = Array.from({ length: n }, (_, i) => userId(i));
      return withRig(kind, {}, 2, options, async (rig) => {
        // Warm-up: the first connections compile code paths and fill caches once; that is not a per-connection cost.
        const warm = await connectAll(rig, Array.from({ length: 50 }, (_, i) => userId(n + i)), 50, 30_000);
        if (warm.failed > 0) throw new Error(`warm-up failed: ${warm.errors.join(', ')}`);
        const before = await rig.server.stats(true);
        const conn = await connectAll(rig, users, 500, 60_000);
        // Holding the connections is the point: ping traffic, timers, no drops.
        await sleep(HOLD_MS);
        const after = await rig.server.stats(true);
        if (options.snapshotDir) await rig.server.snapshot(`${options.snapshotDir}/${kind}-${n}-${Date.now()}.heapsnapshot`);
        const totals = await Promise.all(rig.workers.map((w) => w.call<{ drops: number }>('totals')));
        const drops = totals.reduce((a, t) => a + t.drops, 0);
        return {
          connectMs: conn.connectMs,
          rssPerConn: (after.rss - before.rss) / 1024 / n,
          heapPerConn: (after.heapUsed - before.heapUsed) / 1024 / n,
          failed: conn.failed + drops + Math.max(0, n + 50 - after.connections),
        };
      });
    },
  };
}

/** 2,000 connections (memory target). */
export const connections2k = connections(2_000, 300);
/** 5,000 connections. */
export const connections5k = connections(5_000, 400);
/** 10,000 connections (held with no failure). */
export const connections10k = connections(10_000, 500);

/**
 * Members: 2,000 clients connect, then each joins its conversation of 200
 * members (10 conversations). On the project a join watches the other 199
 * members' presence; the baseline's sockets join the same one room. Memory
 * per connection is read as above, after the joins.
 */
export const members200: Scenario = {
  name: 'members-200',
  title: 'memory, 2,000 clients each joined to its conversation of 200 members (10 conversations)',
  metrics: [
    { key: 'rssPerConn', label: 'server RSS per connection', unit: 'KB', better: 'lower', target: { max: 1.25 } },
    { key: 'heapPerConn', label: 'server heap per connection', unit: 'KB', better: 'lower' },
    { key: 'failed', label: 'failed or dropped connections', unit: '', better: 'lower', mustBeZero: true },
  ],
  run: (kind, options) => {
    const n = options.quick ? 400 : 2_000;
    const size = options.quick ? 40 : 200;
    const users = Array.from({ length: n }, (_, i) => userId(i));
    const rooms = Array.from({ length: n / size }, (_, r) => users.slice(r * size, (r + 1) * size));
    return withRig(kind, {}, 2, options, async (rig) => {
      const warm = await connectAll(rig, Array.from({ length: 50 }, (_, i) => userId(n + i)), 50, 30_000);
      if (warm.failed > 0) throw new Error(`warm-up failed: ${warm.errors.join(', ')}`);
      const before = await rig.server.stats(true);
      const conn = await connectAll(rig, users, 500, 60_000);
      await setupRooms(rig, rooms);
      await sleep(HOLD_MS);
      const after = await rig.server.stats(true);
      if (options.snapshotDir) await rig.server.snapshot(`${options.snapshotDir}/${kind}-members-${Date.now()}.heapsnapshot`);
      const totals = await Promise.all(rig.workers.map((w) => w.call<{ drops: number }>('totals')));
      const drops = totals.reduce((a, t) => a + t.drops, 0);
      return {
        rssPerConn: (after.rss - before.rss) / 1024 / n,
        heapPerConn: (after.heapUsed - before.heapUsed) / 1024 / n,
        failed: conn.failed + drops + Math.max(0, n + 50 - after.connections),
      };
    });
  },
};
