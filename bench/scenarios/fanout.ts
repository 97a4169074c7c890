/**
 * Fan-out: one room of 200 clients, 5 of them sending.
 * - `fanout-light`: 5 msg/s per sender, latency from send to each receiver
 *   and ack latency; the project's rate limiter stays ON (defaults).
 * - `fanout-saturate`: each sender keeps 10 messages in flight for a fixed
 *   time; delivered messages per second. The project's rate limiter is OFF:
 *   it is a policy that would throttle the very sender we saturate with.
 */
import { percentile } from '../lib/stats.js';
import type { ServerKind } from '../lib/children.js';
import {
  connectAll,
  DELIVERY_CHECKS,
  refused,
  setupRooms,
  userId,
  warmThenSend,
  withRig,
  type RunOptions,
  type Scenario,
} from './common.js';


async function fanout(kind: ServerKind, options: RunOptions, saturate: boolean): Promise<Record<string, number>> {
  const size = options.quick ? 50 : 200;
  const users = Array.from({ length: size }, (_, i) => userId(i));
  const senders = users.slice(0, 5);
  const config = saturate ? { rateLimit: false as const } : {};
  // Light load: one worker (receivers are cheap); saturation: two, so the generator is less of a ceiling.
  return withRig(kind, config, saturate ? 2 : 1, options, async (rig) => {
    const conn = await connectAll(rig, users, 200, 20_000);
    if (conn.failed > 0) throw new Error(`connect failed: ${conn.errors.join(', ')}`);
    await setupRooms(rig, [users]);
    const load = saturate
      ? { rate: 0, window: 10, durationMs: options.quick ? 2_000 : 5_000, maxPerSender: 100_000 }
      : { rate: 5, window: 1, durationMs: options.quick ? 3_000 : 8_000, maxPerSender: 1_000 };
    const warm = { ...load, durationMs: 1_000 };
    const { sent, deliveries: d, measured, serverCpuUs } = await warmThenSend(rig, senders, warm, load, !saturate);
    const metrics: Record<string, number> = {
      messages: sent.sent,
      deliveries: measured,
      lost: d.lost,
      duplicated: d.duplicated,
      unexpected: d.unexpected + d.drops,
      refused: refused(sent),
      cpuPerDelivery: serverCpuUs / Math.max(1, measured),
    };
    if (saturate) {
      metrics.deliveredPerS = measured / ((d.lastReceiveAt - sent.start) / 1000);
      metrics.sentPerS = sent.sent / ((sent.end - sent.start) / 1000);
      metrics.perCpuS = measured / (serverCpuUs / 1e6);
    } else {
      const lat = (await Promise.all(rig.workers.map((w) => w.call<number[]>('latencies')))).flat();
      metrics.p50 = percentile(lat, 50);
      metrics.p99 = percentile(lat, 99);
      metrics.ackP50 = percentile(sent.ackLatencies, 50);
      metrics.ackP99 = percentile(sent.ackLatencies, 99);
    }
    return metrics;
  });
}

/** Fan-out at a light rate: latency. */
export const fanoutLight: Scenario = {
  name: 'fanout-light',
  title: 'fan-out, 200 clients in 1 room, 5 senders × 5 msg/s (rate limiter on)',
  metrics: [
    { key: 'p50', label: 'delivery latency p50', unit: 'ms', better: 'lower' },
    { key: 'p99', label: 'delivery latency p99', unit: 'ms', better: 'lower', target: { max: 1.1 } },
    { key: 'ackP50', label: 'ack latency p50', unit: 'ms', better: 'lower' },
    { key: 'ackP99', label: 'ack latency p99', unit: 'ms', better: 'lower' },
    { key: 'cpuPerDelivery', label: 'server CPU per delivery', unit: 'µs', better: 'lower' },
    { key: 'deliveries', label: 'deliveries', unit: '', better: 'higher' },
    ...DELIVERY_CHECKS,
  ],
  run: (kind, options) => fanout(kind, options, false),
};

/** Fan-out at a saturating rate: throughput. */
export const fanoutSaturate: Scenario = {
  name: 'fanout-saturate',
  title: 'fan-out, 200 clients in 1 room, 5 senders × 10 in flight (rate limiter off)',
  metrics: [
    { key: 'deliveredPerS', label: 'delivered msgs/s', unit: '/s', better: 'higher', target: { min: 0.95 } },
    // On a shared machine delivered/s follows the scheduler's share as much as the server's speed;
    // deliveries per server CPU-second is the same capacity measured independently of that.
    { key: 'perCpuS', label: 'deliveries per server CPU-second', unit: '/s', better: 'higher', target: { min: 0.95 } },
    { key: 'sentPerS', label: 'sent msgs/s', unit: '/s', better: 'higher' },
    { key: 'cpuPerDelivery', label: 'server CPU per delivery', unit: 'µs', better: 'lower' },
    ...DELIVERY_CHECKS,
  ],
  run: (kind, options) => fanout(kind, options, true),
};
