/**
 * Starts and stops the bench's child processes: one server under test and a
 * few load-generator workers, all TypeScript run through tsx, all bound to
 * 127.0.0.1. Every child is killed when the parent exits, whatever happens.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rpc } from './ipc.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const live = new Set<ChildProcess>();

process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

function spawnTs(file: string, env: Record<string, string>, extraArgs: string[] = []): ChildProcess {
  const child = fork(file, [], {
    execArgv: ['--import', 'tsx', ...extraArgs],
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
}

/** Starts `kind` in a child; with `profileDir`, the child writes a V8 CPU profile there on exit. */
export async function startServer(kind: ServerKind, config: ServerConfig, profileDir?: string): Promise<ServerChild> {
  const flags = ['--expose-gc'];
  if (profileDir) {
    mkdirSync(profileDir, { recursive: true });
    flags.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${kind}-${Date.now()}.cpuprofile`);
  }
  const child = spawnTs(here('../server-child.ts'), { BENCH_SERVER: kind, BENCH_CONFIG: JSON.stringify(config) }, flags);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} server did not start in 30 s`)), 30_000);
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
  close(): Promise<void>;
}

/** Starts `count` workers pointed at `url`. */
export async function startWorkers(count: number, url: string, secret: string): Promise<Worker[]> {
  const workers = Array.from({ length: count }, (_, index) => {
    const child = spawnTs(here('../load-worker.ts'), {});
    const worker: Worker = {
      index,
      call: (op, args = {}, timeoutMs = 180_000) => rpc(child, op, args, timeoutMs),
      close: async () => {
        if (child.exitCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        await rpc(child, 'close', {}, 20_000).catch(() => undefined);
        child.disconnect();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      },
    };
    return worker;
  });
  await Promise.all(workers.map((w) => w.call('init', { url, secret }, 30_000)));
  return workers;
}
