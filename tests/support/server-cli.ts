/**
 * Runs the `socketkit-server` command from source (node + tsx, one process,
 * so signals reach the server itself, as with the installed command) and
 * reads its JSON log lines.
 *
 * @example
 * const cli = runServerCli(['--port', '0', '--secret', 'a-test-secret-of-at-least-32-bytes', '--memory']);
 * const url = await cli.listening();
 * cli.child.kill('SIGTERM');
 * expect(await cli.exited).toBe(0);
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { waitFor } from './wait.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const running = new Set<ChildProcessWithoutNullStreams>();

/** One JSON log line of the server (pino). */
export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A running (or exited) `socketkit-server` process. */
export interface ServerCli {
  child: ChildProcessWithoutNullStreams;
  /** Resolves with the exit code (`null` when killed by a signal). */
  exited: Promise<number | null>;
  out(): string;
  err(): string;
  /** The JSON lines of stdout so far. */
  lines(): LogLine[];
  /** Waits for the `listening` line and returns the server's URL. */
  listening(timeoutMs?: number): Promise<string>;
}

/**
 * Starts `src/server/cli.ts` with `args`. The environment is the test's
 * minus every variable the command reads (so a developer's `DATABASE_URL`
 * never leaks in), plus `env`. `cwd` defaults to the repository.
 */
export function runServerCli(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): ServerCli {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production' };
  for (const name of ['PORT', 'HOST', 'JWT_SECRET', 'SOCKETKIT_DATA_DIR', 'DATABASE_URL', 'REDIS_URL', 'SOCKETKIT_API_KEY', 'SOCKETKIT_ADMIN_UI', 'SOCKETKIT_ADMIN_UI_USERNAME', 'SOCKETKIT_ADMIN_UI_PASSWORD_HASH']) {
    delete env[name];
  }
  const child = spawn(
    process.execPath,
    ['--import', join(root, 'node_modules/tsx/dist/loader.mjs'), join(root, 'src/server/cli.ts'), ...args],
    { cwd: options.cwd ?? root, env: { ...env, ...options.env } },
  );
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const lines = (): LogLine[] =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);
  const listening = (timeoutMs = 60_000) =>
    waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`socketkit-server exited ${child.exitCode}: ${stderr}${stdout}`);
        const line = lines().find((l) => l.msg === 'listening');
        return typeof line?.url === 'string' ? line.url : undefined;
      },
      { timeoutMs, intervalMs: 20, message: 'socketkit-server listening' },
    );
  return { child, exited, out: () => stdout, err: () => stderr, lines, listening };
}

/** SIGKILLs every server process still running (for `afterEach`). */
export function killServerClis(): void {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
}
