/**
 * Connect storm with presence: N clients (rooms of 20) start connecting at
 * the same instant; on the project each watches the presence of the other 19
 * members of its room, naming them in its handshake as the socketkit client
 * does (protocol v1.1 `auth.presence`), and the clock stops when every
 * client's view says all 19 are online. The baseline has no presence: its clock stops when
 * all are connected (issue 6 compares the two). Then the disconnect storm:
 * half the clients close at once (the project's views of the rest must turn
 * those users offline; presence grace is 0 here so the figure is the
 * server's work, not a timer), then the other half; the clock stops when the
 * server holds no connection.
 */
import { now, pollUntil } from '../lib/clock.js';
import { max } from '../lib/stats.js';
import type { BenchStore } from '../lib/children.js';
import { connectAll, userId, withRig, type Scenario } from './common.js';

/**
 * The storm's metrics; `targets` false for the variant without presence,
 * which only separates what the protocol costs from what presence costs.
 */
export const stormMetrics = (targets: boolean, readyTarget = 1.2): Scenario['metrics'] => [
  { key: 'readyMs', label: 'all connected + presence right', unit: 'ms', better: 'lower', ...(targets ? { target: { max: readyTarget } } : {}) },
  { key: 'connectMs', label: 'all connected', unit: 'ms', better: 'lower' },
  { key: 'halfOfflineMs', label: 'half disconnect settled', unit: 'ms', better: 'lower', ...(targets ? { target: { max: 1.3 } } : {}) },
  { key: 'drainMs', label: 'all disconnect: server empty', unit: 'ms', better: 'lower', ...(targets ? { target: { max: 1.3 } } : {}) },
  { key: 'serverCpuMs', label: 'server CPU during connect', unit: 'ms', better: 'lower', ...(targets ? { target: { max: 1.2 } } : {}) },
  { key: 'clientCpuMs', label: 'load generator CPU during connect', unit: 'ms', better: 'lower' },
  { key: 'presencePackets', label: 'presence packets per client (connect)', unit: '', better: 'lower' },
  { key: 'failed', label: 'failed connections', unit: '', better: 'lower', mustBeZero: true },
  { key: 'presenceWrong', label: 'wrong presence views', unit: '', better: 'lower', mustBeZero: true },
];

/** The presence storm. */
export const storm: Scenario = {
  name: 'storm',
  title: 'connect storm, 5,000 clients at once watching their room of 20 (baseline: no presence)',
  metrics: stormMetrics(true),
  run: (kind, options) => runStorm(kind, options, true),
};

/** The same storm with nobody watching on either side: the protocol's own cost per connection. */
export const stormWithoutPresence: Scenario = {
  name: 'storm-without-presence',
  title: 'the same connect storm, nobody watching anybody on either side (no targets)',
  metrics: stormMetrics(false),
  run: (kind, options) => runStorm(kind, options, false),
};

/**
 * Runs the storm on `kind`; with `withPresence` the project's clients watch
 * their roommates. With `store`, socketkit runs on that store (both sides of
 * the store scenarios are socketkit: `kind` must be 'project').
 */
export function runStorm(kind: Parameters<Scenario['run']>[0], options: Parameters<Scenario['run']>[1], withPresence: boolean, store?: BenchStore): ReturnType<Scenario['run']> {
  const n = options.quick ? 400 : 5_000;
  const roomSize = 20;
  const users = Array.from({ length: n }, (_, i) => userId(i));
  const room = (i: number): string[] => users.slice(Math.floor(i / roomSize) * roomSize, Math.floor(i / roomSize) * roomSize + roomSize);
  const watch = kind === 'project' && withPresence ? Object.fromEntries(users.map((u, i) => [u, room(i).filter((v) => v !== u)])) : undefined;
  // On a store, socketkit runs with its default presence policy (shared conversations only, as
  // socketkit-server does), so each room of 20 is a conversation; the mock server of the other
  // storms lets everyone see everyone outside production.
  const conversations = store && watch ? Array.from({ length: n / roomSize }, (_, r) => users.slice(r * roomSize, r * roomSize + roomSize)) : undefined;
  return withRig(kind, { presenceGraceMs: 0, ...(store ? { store } : {}), ...(conversations ? { conversations } : {}) }, 2, options, async (rig) => {
    const cpu = async (): Promise<[number, number]> => [
      (await rig.server.stats()).cpuUs,
      (await Promise.all(rig.workers.map((w) => w.call<{ cpuUs: number }>('totals')))).reduce((a, t) => a + t.cpuUs, 0),
    ];
    const presencePackets = async (): Promise<number> =>
      (await Promise.all(rig.workers.map((w) => w.call<{ presencePackets: number }>('totals')))).reduce((a, t) => a + t.presencePackets, 0);
    const [server0, client0] = await cpu();
    const conn = await connectAll(rig, users, n, 60_000, watch);
    const [server1, client1] = await cpu();
    const packets = await presencePackets();
    const leaving = users.filter((_, i) => i % 2 === 1);
    const t0 = now();
    await Promise.all(rig.workers.map((w) => w.call('close', { users: leaving })));
    let halfOfflineMs = Number.NaN;
    let presenceWrong = conn.presenceWrong + conn.subscribeFailed;
    if (watch) {
      const res = await Promise.all(rig.workers.map((w) => w.call<{ wrong: number; lastPresenceAt: number }>('waitPresence', { offline: leaving, timeoutMs: 30_000 })));
      presenceWrong += res.reduce((a, r) => a + r.wrong, 0);
      halfOfflineMs = max(res.map((r) => r.lastPresenceAt)) - t0;
    } else {
      await pollUntil(async () => (await rig.server.stats()).connections <= n - leaving.length, 30_000, 20);
      halfOfflineMs = now() - t0;
    }
    const t1 = now();
    await Promise.all(rig.workers.map((w) => w.call('close', {})));
    await pollUntil(async () => (await rig.server.stats()).connections === 0, 30_000, 20);
    return {
      readyMs: conn.readyMs,
      connectMs: conn.connectMs,
      halfOfflineMs,
      drainMs: now() - t1,
      serverCpuMs: (server1 - server0) / 1000,
      clientCpuMs: (client1 - client0) / 1000,
      presencePackets: packets / n,
      failed: conn.failed,
      presenceWrong,
    };
  });
}
