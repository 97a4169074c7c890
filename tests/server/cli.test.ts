import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import jwt from 'jsonwebtoken';
import { once, waitFor } from '../support/wait.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const children = new Set<ChildProcessWithoutNullStreams>();

afterEach(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  children.clear();
});

/** Runs the CLI from source exactly as `npm run mock-server` does (tsx), in one process so signals reach it. */
function runCli(args: string[], env: Record<string, string | undefined> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'mock-server/cli.ts', ...args], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'test', JWT_SECRET: '', ...env },
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

describe('socketkit-mock-server command line', () => {
  it('prints its URL, serves /health and sockets, and exits 0 on SIGTERM', async () => {
    const cli = runCli(['--port', '0', '--secret', 'cli-secret', '--seed', 'default', '--latency', '0']);
    const url = await waitFor(() => /listening on (http:\/\/\S+)/.exec(cli.out())?.[1], { timeoutMs: 20_000, message: cli.err() });
    const health = await fetch(`${url}/health`);
    expect(await health.json()).toMatchObject({ ok: true, connections: 0 });

    const token = jwt.sign({ userId: 'alice' }, 'cli-secret', { expiresIn: 60 });
    const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false });
    try {
      expect(await once<{ userId: string }>(socket, 'connection:established', 5000)).toMatchObject({ userId: 'alice' });
      const closed = once(socket, 'disconnect', 5000);
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
      await closed;
    } finally {
      socket.disconnect();
    }
  }, 30_000);

  it('exits 0 on SIGINT too', async () => {
    const cli = runCli(['--port', '0', '--secret', 's', '--quiet', '--seed', 'none']);
    await waitFor(() => cli.out().includes('listening on'), { timeoutMs: 20_000, message: cli.err() });
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  }, 30_000);

  it('refuses to start in production without JWT_SECRET', async () => {
    const cli = runCli(['--port', '0'], { NODE_ENV: 'production' });
    expect(await cli.exited).toBe(1);
    expect(cli.err()).toMatch(/JWT_SECRET/);
    expect(cli.out()).not.toMatch(/listening/);
  }, 30_000);

  it('prints usage for --help and rejects unknown flags', async () => {
    const help = runCli(['--help']);
    expect(await help.exited).toBe(0);
    expect(help.out()).toMatch(/--seed/);
    const bad = runCli(['--bogus']);
    expect(await bad.exited).toBe(2);
    expect(bad.err()).toMatch(/Usage/);
  }, 30_000);
});
