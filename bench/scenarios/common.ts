/**
 * What every scenario shares: starting a server and its workers, spreading
 * users over the workers, rooms, connecting, and checking that every acked
 * message reached every other member of its room exactly once.
 */
import { now, pollUntil } from '../lib/clock.js';
import { max, min } from '../lib/stats.js';
import { startServer, startWorkers, type ServerChild, type ServerConfig, type ServerKind, type Worker } from '../lib/children.js';

/** Shared secret of the bench's tokens (127.0.0.1 only, never a real secret). */
export const SECRET = 'socketkit-bench-secret';

/** One metric of a scenario, as the table prints it. */
export interface MetricDef {
  key: string;
  label: string;
  unit: string;
  /** Which way is good, for the ratio column. */
  better: 'lower' | 'higher';
  /** A target on the project/baseline ratio from issue 6. */
  target?: { max?: number; min?: number };
  /** A correctness count that must be 0 (lost, duplicated, failed…). */
  mustBeZero?: boolean;
}

/** How a scenario is run. */
/** Every message scenario fails the run unless each of these is zero. */
export const DELIVERY_CHECKS: MetricDef[] = [
  { key: 'lost', label: 'lost deliveries', unit: '', better: 'lower', mustBeZero: true },
  { key: 'duplicated', label: 'duplicated deliveries', unit: '', better: 'lower', mustBeZero: true },
  { key: 'unexpected', label: 'unexpected deliveries', unit: '', better: 'lower', mustBeZero: true },
  { key: 'refused', label: 'sends refused/timed out', unit: '', better: 'lower', mustBeZero: true },
];

export interface RunOptions {
  quick: boolean;
  /** V8 CPU profiles of the server children go here (`--profile`). */
  profileDir?: string;
  /** Heap snapshots of the server after connecting go here (`--heap-snapshot`). */
  snapshotDir?: string;
}

/** A scenario: runs once against one server kind and returns its metrics. */
export interface Scenario {
  name: string;
  title: string;
  metrics: MetricDef[];
  run(kind: ServerKind, options: RunOptions): Promise<Record<string, number>>;
}

/** A server and its load workers; users are spread round-robin over the workers. */
export interface Rig {
  server: ServerChild;
  workers: Worker[];
  workerOf(userId: string): Worker;
}

/** The i-th bench user id. */
export const userId = (i: number): string => `u${i}`;

/** Starts a server of `kind` and `workerCount` workers, runs `body`, and always stops them. */
export async function withRig<T>(
  kind: ServerKind,
  config: Omit<ServerConfig, 'secret'>,
  workerCount: number,
  options: RunOptions,
  body: (rig: Rig) => Promise<T>,
): Promise<T> {
  // The baseline has no rate limiter or presence: only the project reads these.
  const server = await startServer(kind, { secret: SECRET, ...config }, options.profileDir);
  let workers: Worker[] = [];
  try {
    workers = await startWorkers(workerCount, server.url, SECRET);
    const index = (u: string): number => Number(u.slice(1)) % workers.length;
    return await body({ server, workers, workerOf: (u) => workers[index(u)] as Worker });
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await server.close();
  }
}

/** Groups `items` by the worker of `user(item)`. */
export function byWorker<T>(rig: Rig, items: readonly T[], user: (item: T) => string): Map<Worker, T[]> {
  const groups = new Map<Worker, T[]>(rig.workers.map((w) => [w, []]));
  for (const item of items) groups.get(rig.workerOf(user(item)))?.push(item);
  return groups;
}

/** Result of {@link connectAll}. */
export interface ConnectResult {
  connected: number;
  failed: number;
  /** From the first handshake to the last `connect`, ms. */
  connectMs: number;
  /** From the first handshake until every presence view was right, ms (= connectMs without `watch`). */
  readyMs: number;
  presenceWrong: number;
  subscribeFailed: number;
  errors: string[];
}

/** Connects `users` (at most `concurrency` handshakes in flight in all); with `watch`, each names the users it watches in its handshake. */
export async function connectAll(
  rig: Rig,
  users: string[],
  concurrency: number,
  timeoutMs: number,
  watch?: Record<string, string[]>,
): Promise<ConnectResult> {
  const groups = byWorker(rig, users, (u) => u);
  const perWorker = Math.max(1, Math.ceil(concurrency / rig.workers.length));
  const results = await Promise.all(
    [...groups].map(([worker, mine]) => {
      const myWatch = watch ? Object.fromEntries(mine.map((u) => [u, watch[u] ?? []])) : undefined;
      return worker.call<{
        connected: number;
        failed: number;
        subscribeFailed: number;
        presenceWrong: number;
        start: number;
        connectedAt: number;
        presenceAt: number;
        errors: string[];
      }>('connect', { users: mine, concurrency: perWorker, timeoutMs, watch: myWatch }, timeoutMs * 3 + 30_000);
    }),
  );
  const start = min(results.map((r) => r.start));
  return {
    connected: results.reduce((a, r) => a + r.connected, 0),
    failed: results.reduce((a, r) => a + r.failed, 0),
    connectMs: max(results.map((r) => r.connectedAt)) - start,
    readyMs: max(results.map((r) => r.presenceAt)) - start,
    presenceWrong: results.reduce((a, r) => a + r.presenceWrong, 0),
    subscribeFailed: results.reduce((a, r) => a + r.subscribeFailed, 0),
    errors: [...new Set(results.flatMap((r) => r.errors))],
  };
}

/** Creates one conversation per member list (the first member creates it) and joins every member; returns the ids. */
export async function setupRooms(rig: Rig, rooms: string[][]): Promise<string[]> {
  const ids: string[] = new Array<string>(rooms.length);
  const indexed = rooms.map((members, i) => ({ i, members }));
  await Promise.all(
    [...byWorker(rig, indexed, (r) => r.members[0] as string)].map(async ([worker, mine]) => {
      if (mine.length === 0) return;
      const res = await worker.call<{ ids: (string | null)[]; errors: string[] }>('create', {
        rooms: mine.map((r) => ({ creator: r.members[0], participantIds: r.members })),
      });
      mine.forEach((r, j) => {
        const id = res.ids[j];
        if (!id) throw new Error(`conversation:create failed: ${res.errors.join(', ')}`);
        ids[r.i] = id;
      });
    }),
  );
  const assignments = rooms.flatMap((members, i) => members.map((u) => [u, ids[i] as string] as const));
  const joined = await Promise.all(
    [...byWorker(rig, assignments, (a) => a[0])].map(([worker, mine]) =>
      worker.call<{ failed: number; errors: string[] }>('join', { assignments: Object.fromEntries(mine) }),
    ),
  );
  const failed = joined.reduce((a, r) => a + r.failed, 0);
  if (failed > 0) throw new Error(`conversation:join failed ${failed} times: ${joined.flatMap((r) => r.errors).join(', ')}`);
  return ids;
}

/** What `send` returns from each worker. */
export interface SendResult {
  sent: number;
  start: number;
  end: number;
  ackLatencies: number[];
  ackedByConversation: Record<string, number>;
  ackedBySender: Record<string, number>;
  errors: Record<string, number>;
}

/** A sending phase: rate per sender (0 = `window` in flight), duration, cap. */
export interface Load {
  rate: number;
  window: number;
  durationMs: number;
  maxPerSender: number;
}

/** Runs `send` on the workers holding `senders`, at once; merges the results. */
export async function sendAll(rig: Rig, senders: string[], load: Load & { phase: string }): Promise<SendResult> {
  const results = await Promise.all(
    [...byWorker(rig, senders, (s) => s)]
      .filter(([, mine]) => mine.length > 0)
      .map(([worker, mine]) => worker.call<SendResult>('send', { senders: mine.map((userId) => ({ userId })), ...load })),
  );
  return mergeSent(results);
}

/** Adds up send results (of several workers or phases). */
export function mergeSent(results: SendResult[]): SendResult {
  const merged: SendResult = { sent: 0, start: Infinity, end: 0, ackLatencies: [], ackedByConversation: {}, ackedBySender: {}, errors: {} };
  for (const r of results) {
    merged.sent += r.sent;
    merged.start = Math.min(merged.start, r.start);
    merged.end = Math.max(merged.end, r.end);
    // One element at a time: a spread into push overflows the stack past ≈ 100,000 latencies.
    for (const latency of r.ackLatencies) merged.ackLatencies.push(latency);
    for (const [k, v] of Object.entries(r.ackedByConversation)) merged.ackedByConversation[k] = (merged.ackedByConversation[k] ?? 0) + v;
    for (const [k, v] of Object.entries(r.ackedBySender)) merged.ackedBySender[k] = (merged.ackedBySender[k] ?? 0) + v;
    for (const [k, v] of Object.entries(r.errors)) merged.errors[k] = (merged.errors[k] ?? 0) + v;
  }
  return merged;
}

/** Delivery check of one run. */
export interface Deliveries {
  expected: number;
  unique: number;
  lost: number;
  duplicated: number;
  /** Deliveries beyond what the acks promise, or to the wrong room. */
  unexpected: number;
  drops: number;
  lastReceiveAt: number;
}

/** Waits (bounded) until every promised delivery arrived, then counts lost and duplicated ones. */
export async function verifyDeliveries(rig: Rig, sent: SendResult, timeoutMs = 30_000): Promise<Deliveries> {
  const args = { ackedByConversation: sent.ackedByConversation, ackedBySender: sent.ackedBySender };
  type Verified = { expected: number; unique: number; lost: number; unexpected: number; dups: number; misrouted: number; drops: number; lastReceiveAt: number };
  const verifyAll = (): Promise<Verified[]> => Promise.all(rig.workers.map((w) => w.call<Verified>('verify', args)));
  await pollUntil(async () => (await verifyAll()).every((r) => r.lost === 0), timeoutMs, 100);
  // A duplicate would trail the original closely: give it a moment to show up.
  const settleUntil = now() + 300;
  await pollUntil(() => now() >= settleUntil, 400, 100);
  const all = await verifyAll();
  const sum = (f: (r: (typeof all)[number]) => number): number => all.reduce((a, r) => a + f(r), 0);
  return {
    expected: sum((r) => r.expected),
    unique: sum((r) => r.unique),
    lost: sum((r) => r.lost),
    duplicated: sum((r) => r.dups),
    unexpected: sum((r) => r.unexpected + r.misrouted),
    drops: sum((r) => r.drops),
    lastReceiveAt: max(all.map((r) => r.lastReceiveAt)),
  };
}

/** Number of sent messages refused or unanswered (rate limited, timeouts…). */
export const refused = (sent: SendResult): number => Object.values(sent.errors).reduce((a, b) => a + b, 0);

/** Result of {@link warmThenSend}. */
export interface Phases {
  /** The measured phase alone. */
  sent: SendResult;
  /** Deliveries of the measured phase, checked together with the warm-up's. */
  deliveries: Deliveries;
  /** Unique deliveries of the measured phase. */
  measured: number;
  /** Server CPU (µs) during the measured phase and its drain. */
  serverCpuUs: number;
}

/**
 * A short unmeasured warm-up phase (JIT of both server and clients, so the
 * side that runs first is not penalised), then the measured phase; latency
 * is recorded only in the measured one. Both phases' deliveries are checked.
 */
export async function warmThenSend(rig: Rig, senders: string[], warm: Load, load: Load, recordLatency: boolean): Promise<Phases> {
  const warmSent = await sendAll(rig, senders, { ...warm, phase: 'w' });
  const warmed = await verifyDeliveries(rig, warmSent);
  await Promise.all(rig.workers.map((w) => w.call('recordLatency', { on: recordLatency })));
  const cpuBefore = (await rig.server.stats()).cpuUs;
  const sent = await sendAll(rig, senders, { ...load, phase: 'm' });
  const deliveries = await verifyDeliveries(rig, mergeSent([warmSent, sent]));
  const serverCpuUs = (await rig.server.stats()).cpuUs - cpuBefore;
  return { sent, deliveries, measured: deliveries.unique - warmed.unique, serverCpuUs };
}
