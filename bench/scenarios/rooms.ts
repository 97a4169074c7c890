/**
 * Many small rooms: 2,000 clients in rooms of 20, two senders per room at
 * 2 msg/s each (rate limiter on: an ordinary chat load), for 5 s. Measures
 * latency, delivered messages/s and the server's CPU per delivery.
 */
import { percentile } from '../lib/stats.js';
import { connectAll, DELIVERY_CHECKS, refused, setupRooms, userId, warmThenSend, withRig, type Scenario } from './common.js';

/** Many small rooms. */
export const rooms: Scenario = {
  name: 'rooms',
  title: 'many small rooms, 2,000 clients in rooms of 20, 2 senders/room × 2 msg/s (rate limiter on)',
  metrics: [
    { key: 'p50', label: 'delivery latency p50', unit: 'ms', better: 'lower' },
    { key: 'p99', label: 'delivery latency p99', unit: 'ms', better: 'lower' },
    { key: 'deliveredPerS', label: 'delivered msgs/s', unit: '/s', better: 'higher' },
    { key: 'cpuPerDelivery', label: 'server CPU per delivery', unit: 'µs', better: 'lower' },
    ...DELIVERY_CHECKS,
  ],
  run: (kind, options) => {
    const total = options.quick ? 200 : 2_000;
    const roomSize = 20;
    const users = Array.from({ length: total }, (_, i) => userId(i));
    const groups = Array.from({ length: total / roomSize }, (_, r) => users.slice(r * roomSize, (r + 1) * roomSize));
    const senders = groups.flatMap((g) => g.slice(0, 2));
    return withRig(kind, {}, 2, options, async (rig) => {
      const conn = await connectAll(rig, users, 200, 30_000);
      if (conn.failed > 0) throw new Error(`connect failed: ${conn.errors.join(', ')}`);
      await setupRooms(rig, groups);
      const load = { rate: 2, window: 1, durationMs: options.quick ? 3_000 : 5_000, maxPerSender: 100 };
      const { sent, deliveries: d, measured, serverCpuUs } = await warmThenSend(rig, senders, { ...load, durationMs: 1_000 }, load, true);
      const lat = (await Promise.all(rig.workers.map((w) => w.call<number[]>('latencies')))).flat();
      return {
        p50: percentile(lat, 50),
        p99: percentile(lat, 99),
        deliveredPerS: measured / ((d.lastReceiveAt - sent.start) / 1000),
        cpuPerDelivery: serverCpuUs / Math.max(1, measured),
        deliveries: measured,
        lost: d.lost,
        duplicated: d.duplicated,
        unexpected: d.unexpected + d.drops,
        refused: refused(sent),
      };
    });
  },
};
