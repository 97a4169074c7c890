/**
 * Issue 10: `npm start` (scripts/start.mjs) runs the mock server and Storybook;
 * whatever signal stops it, no child keeps listening, so the next `npm start`
 * does not fail with EADDRINUSE. Linux: descendants are read from /proc.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/net.js';
import { descendants, isProcessAlive } from '../support/process.js';

const root = resolve(__dirname, '../..');

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((res) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      res(true);
    });
    socket.once('error', () => res(false));
  });
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('npm start (scripts/start.mjs)', () => {
  it.each(['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGKILL'] as const)(
    'leaves no child running or listening after %s to the process it printed',
    async (signal) => {
      const [serverPort, storybookPort] = [await freePort(), await freePort()];
      const start = spawn(process.execPath, ['scripts/start.mjs'], {
        cwd: root,
        env: { ...process.env, SOCKETKIT_SERVER_PORT: String(serverPort), STORYBOOK_PORT: String(storybookPort) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      start.stdout.on('data', (d) => (output += d));
      start.stderr.on('data', (d) => (output += d));
      const exited = new Promise<void>((res) => start.once('exit', () => res()));
      try {
        await until(async () => (await listening(serverPort)) && (await listening(storybookPort)), 90_000, 'server and Storybook to listen');
        // It printed its own pid: that is the process a user kills.
        expect(output).toContain(`pid ${start.pid}`);
        const children = descendants(start.pid!);
        expect(children.length).toBeGreaterThanOrEqual(3); // server, Storybook (+ its CLI), watchdog
        start.kill(signal);
        await exited;
        await until(() => children.every((pid) => !isProcessAlive(pid)), 15_000, `children ${children.join(', ')} to exit`);
        expect(await listening(serverPort)).toBe(false);
        expect(await listening(storybookPort)).toBe(false);
      } finally {
        // Whatever failed above, leave nothing behind.
        for (const pid of [start.pid!, ...descendants(start.pid!)]) if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
      }
    },
    120_000,
  );
});
