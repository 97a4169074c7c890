import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { waitFor } from '../support/wait.js';

const script = fileURLToPath(new URL('./fixtures/destroy-exit.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  await server.cleanup();
});

/** Runs the fixture; resolves with its exit code, output and how long it lived after saying "destroyed". */
function run(args: string[]): Promise<{ code: number | null; out: string; lingerMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let destroyedAt = 0;
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      if (!destroyedAt && out.includes('destroyed')) destroyedAt = Date.now();
    });
    child.stderr.on('data', (d: Buffer) => (out += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the process did not exit by itself:\n${out}`));
    }, 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, lingerMs: destroyedAt ? Date.now() - destroyedAt : -1 });
    });
  });
}

describe('destroy()', () => {
  it('leaves a Node process able to exit by itself after real use', async () => {
    const result = await run([server.url, server.token('alice'), 'connected']);
    expect(result.out).toContain('destroyed while connected');
    expect(result.code).toBe(0);
    expect(result.lingerMs).toBeLessThan(3000);
    // The child really talked to the server.
    const bob = await server.connect('bob');
    const history = await new Promise<{ messages: { content: string }[] }>((resolve) =>
      bob.emit('conversation:history', { conversationId: 'alice-bob' }, resolve),
    );
    expect(history.messages.at(-1)?.content).toBe('from the child process');
    await waitFor(() => !server.socketkit.isUserOnline('alice'));
  }, 20_000);

  it('also while a reconnection timer is pending', async () => {
    const port = server.port;
    await server.close();
    const result = await run([`http://127.0.0.1:${port}`, 'any', 'retrying']);
    expect(result.out).toContain('destroyed while retrying');
    expect(result.code).toBe(0);
    expect(result.lingerMs).toBeLessThan(3000);
    server = await startServer();
  }, 20_000);
});
