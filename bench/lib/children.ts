/**
 * Starts and stops the bench's child processes: one server under test and a
 * few load-generator workers, all bound to 127.0.0.1. Every child is killed
 * when the parent exits, whatever happens.
 *
 * The children's TypeScript (with the project's sources, resolved through
 * tsconfig `paths`; node_modules stay external) is bundled once per bench
 * run with esbuild into node_modules/.cache/socketkit-bench/, so a child starts in a
 * fraction of the time tsx would take on a busy 2-core machine. If bundling
 * fails, children run the sources through tsx instead.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { rpc } from './ipc.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const live = new Set<ChildProcess>();

process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

type Entry = 'server-child' | 'load-worker';
let bundled: Promise<boolean> | undefined;

/** Bundles the children once; resolves to whether it worked. */
function bundle(): Promise<boolean> {
  // A fresh folder each run: an old bundle left behind must never be what a child runs.
  const outdir = here('../../node_modules/.cache/socketkit-bench');
  if (!bundled) rmSync(outdir, { recursive: true, force: true });
  bundled ??= build({
    // Named entries, so every output lands flat in outdir (esbuild otherwise mirrors the entries'
    // common folder, here the repository's root). embedded-worker: the embedded store's thread,
    // which embedded.ts (inlined in server-child.js) starts from ./embedded-worker.js next to it.
    entryPoints: {
      'server-child': here('../server-child.ts'),
      'load-worker': here('../load-worker.ts'),
      'embedded-worker': here('../../src/server/sql/embedded-worker.ts'),
    },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    tsconfig: here('../../tsconfig.json'),
    logLevel: 'silent',
  }).then(
    () => true,
    (err: unknown) => {
      console.warn(`bench: bundling the children failed, running them through tsx (${String(err).split('\n')[0]})`);
      return false;
    },
  );
  return bundled;
}

async function spawnEntry(entry: Entry, env: Record<string, string>, extraArgs: string[] = []): Promise<ChildProcess> {
  const fast = await bundle();
  const file = fast ? here(`../../node_modules/.cache/socketkit-bench/${entry}.js`) : here(`../${entry}.ts`);
  const child = fork(file, [], {
    // No --enable-source-maps: it makes every Error (jsonwebtoken throws one per handshake) costlier.
    execArgv: [...(fast ? [] : ['--import', 'tsx']), ...extraArgs],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  live.add(child);
  child.on('exit', () => live.delete(child));
  return child;
}

/** Which server a run measures. */
export type ServerKind = 'project' | 'baseline';

/** Server process stats, read over IPC. */
export interface ServerStats {
  rss: number;
  heapUsed: number;
  external: number;
  cpuUs: number;
  connections: number;
}

/** A running server child. */
export interface ServerChild {
  kind: ServerKind;
  url: string;
  stats(gc?: boolean): Promise<ServerStats>;
  /** Writes a V8 heap snapshot of the server to `file`. */
  snapshot(file: string): Promise<string>;
  close(): Promise<void>;
}

/** Options passed to the server child. */
export interface ServerConfig {
  secret: string;
  rateLimit?: { burst: number; perSecond: number } | false;
  presenceGraceMs?: number;
  /** Project only: the store behind socketkit (default the mock server's memory store). */
  store?: BenchStore;
  /**
   * Project on a store only: conversations (participant ids) made in the store before the server
   * listens, so the default presence policy (users see those they share a conversation with) lets
   * roommates watch each other, as in a deployment of socketkit-server.
   */
  conversations?: string[][];
}

/** A store for the project server of the store scenarios. */
export type BenchStore = { kind: 'memory' } | { kind: 'embedded'; dataDir: string } | { kind: 'postgres'; databaseUrl: string };

/** Starts `kind` in a child; with `profileDir`, the child writes a V8 CPU profile there on exit. */
export async function startServer(kind: ServerKind, config: ServerConfig, profileDir?: string): Promise<ServerChild> {
  const flags = ['--expose-gc'];
  if (profileDir) {
    mkdirSync(profileDir, { recursive: true });
    flags.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${kind}-${Date.now()}.cpuprofile`);
  }
  const child = await spawnEntry('server-child', { BENCH_SERVER: kind, BENCH_CONFIG: JSON.stringify(config) }, flags);
  const port = await new Promise<number>((resolve, reject) => {
    // A durable store creates its database first (PGlite's initdb takes tens of seconds on a loaded machine); not measured.
    const startMs = config.store && config.store.kind !== 'memory' ? 120_000 : 30_000;
    const timer = setTimeout(() => reject(new Error(`${kind} server did not start in ${startMs / 1000} s`)), startMs);
    child.once('message', (raw: unknown) => {
      clearTimeout(timer);
      const msg = raw as { ready?: boolean; port?: number; error?: string };
      if (msg.ready && msg.port) resolve(msg.port);
      else reject(new Error(`${kind} server failed to start: ${msg.error ?? 'unknown'}`));
    });
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  return {
    kind,
    url: `http://127.0.0.1:${port}`,
    stats: (gc = false) => rpc<ServerStats>(child, 'stats', { gc }, 30_000),
    snapshot: (file) => rpc<string>(child, 'snapshot', { file }, 120_000),
    close: async () => {
      const exited = new Promise<void>((resolve) => {
        if (child.exitCode !== null) resolve();
        else child.once('exit', () => resolve());
      });
      await rpc(child, 'close', {}, 20_000).catch(() => child.kill('SIGKILL'));
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A load-generator worker. */
export interface Worker {
  index: number;
  call<T>(op: string, args?: unknown, timeoutMs?: number): Promise<T>;
  /** Closes this run's clients; the process stays in the pool for the next run. */
  close(): Promise<void>;
}

const pool: ChildProcess[] = [];

/**
 * `count` workers pointed at `url`, with no clients. Worker processes are
 * pooled across runs: starting one costs seconds on a busy machine, and a
 * fresh `init` clears everything a previous run left.
 */
export async function startWorkers(count: number, url: string, secret: string): Promise<Worker[]> {
  for (let i = pool.findIndex((c) => c.exitCode !== null); i !== -1; i = pool.findIndex((c) => c.exitCode !== null)) pool.splice(i, 1);
  const missing = Math.max(0, count - pool.length);
  for (const child of await Promise.all(Array.from({ length: missing }, () => spawnEntry('load-worker', {})))) pool.push(child);
  const workers = pool.slice(0, count).map((child, index): Worker => ({
    index,
    call: (op, args = {}, timeoutMs = 180_000) => rpc(child, op, args, timeoutMs),
    close: async () => {
      if (child.exitCode === null) await rpc(child, 'close', {}, 30_000).catch(() => child.kill('SIGKILL'));
    },
  }));
  await Promise.all(workers.map((w) => w.call('init', { url, secret }, 30_000)));
  return workers;
}

/** Ends the pooled worker processes (end of the bench). */
export async function stopWorkers(): Promise<void> {
  await Promise.all(
    pool.splice(0).map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.disconnect();
        }),
    ),
  );
}
