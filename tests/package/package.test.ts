/**
 * The published package, as a user gets it: `npm pack`, installed into an
 * empty project from the local npm cache, every entry point imported by name,
 * and the `socketkit-mock-server` command started and stopped.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
let app: string;

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist/core/index.js'))) {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  }
  app = mkdtempSync(join(tmpdir(), 'socketkit-app-'));
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', app], { cwd: root, encoding: 'utf8' }),
  ) as { filename: string }[];
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  // Dependencies come from the cache `npm ci` filled; nothing is downloaded.
  execFileSync(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--omit=peer', join(app, packed[0]!.filename)],
    { cwd: app, stdio: 'pipe' },
  );
});

afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

const importIn = (code: string) =>
  execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: app, encoding: 'utf8' }).trim();

describe('the packed socketkit package', () => {
  it('ships every entry point with types and the UI stylesheet', () => {
    const pkg = JSON.parse(readFileSync(join(app, 'node_modules/socketkit/package.json'), 'utf8'));
    for (const entry of ['.', './react', './react-query', './ui', './server', './mock-server', './protocol']) {
      const target = pkg.exports[entry];
      expect(existsSync(join(app, 'node_modules/socketkit', target.import)), entry).toBe(true);
      expect(existsSync(join(app, 'node_modules/socketkit', target.types)), `${entry} types`).toBe(true);
    }
    expect(readFileSync(join(app, 'node_modules/socketkit/dist/ui/styles.css'), 'utf8')).toMatch(/--sk-/);
  });

  it('exposes the core, server and mock-server APIs by package name', () => {
    const out = importIn(`
      const core = await import('socketkit');
      const server = await import('socketkit/server');
      const mock = await import('socketkit/mock-server');
      const protocol = await import('socketkit/protocol');
      console.log(JSON.stringify({
        core: typeof core.createRealtimeClient, error: typeof core.RealtimeError,
        server: typeof server.createSocketkitServer, seedName: typeof server.initializeChatSocket,
        mock: typeof mock.createMockServer, limit: protocol.LIMITS.maxContentLength,
      }));
    `);
    expect(JSON.parse(out)).toEqual({
      core: 'function', error: 'function', server: 'function', seedName: 'function', mock: 'function', limit: 4000,
    });
  });

  it('runs a mock server in-process that a stock client can use', async () => {
    const out = importIn(`
      import { createMockServer } from 'socketkit/mock-server';
      import { io } from 'socket.io-client';
      const server = await createMockServer({ port: 0, secret: 'pkg-test', quiet: true });
      const socket = io(server.url, { auth: { token: server.signToken({ userId: 'alice' }) }, transports: ['websocket'] });
      const established = await new Promise((res, rej) => {
        socket.once('connection:established', res);
        socket.once('connect_error', rej);
      });
      socket.close();
      await server.close();
      console.log(JSON.stringify(established.userId));
    `);
    expect(JSON.parse(out)).toBe('alice');
  });

  it('installs the socketkit-mock-server command, which serves /health and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const bin = join(app, 'node_modules/.bin/socketkit-mock-server');
    expect(existsSync(bin)).toBe(true);
    const child = spawn(bin, ['--port', String(port), '--secret', 's', '--quiet'], {
      cwd: app,
      env: { ...process.env, NODE_ENV: 'development' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
    let health: { ok?: boolean } = {};
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health`);
        health = await res.json();
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(health.ok).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
