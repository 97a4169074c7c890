/**
 * The published package, as a user gets it: packed from a clean clone
 * (tests/package/support/pack.ts), installed into an empty project from the
 * local npm cache, every entry point imported by name and
 * `require()`d from CommonJS, and the `socketkit-mock-server` command started
 * and stopped. The optional peer dependencies of the server (pino, the
 * database drivers, the Redis packages) are not installed, as in an app that
 * only uses the hooks: every entry still loads, and `socketkit-server` says
 * which of them its configuration needs.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../support/net.js';

const root = resolve(__dirname, '../..');
let app: string;

/** Every entry of the exports map that is code (not the stylesheet, not package.json). */
const CODE_ENTRIES = [
  '.',
  './react',
  './react-query',
  './ui',
  './server',
  './server/postgres',
  './server/embedded',
  './server/redis',
  './mock-server',
  './protocol',
  './compat',
];

/** The optional peer dependencies of the server side, none of which the test app installs. */
const OPTIONAL_SERVER_PEERS = ['pino', '@electric-sql/pglite', 'pg', 'redis', '@socket.io/redis-streams-adapter', '@socket.io/admin-ui'];

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'socketkit-app-'));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  // Dependencies (and the React peers the UI entries need) come from the cache `npm ci` filled; nothing is downloaded.
  const peers = ['react', 'react-dom', '@tanstack/react-query'].map((name) => {
    const version = (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    return `${name}@${version}`;
  });
  execFileSync(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', inject('socketkitTarball'), ...peers],
    { cwd: app, stdio: 'pipe' },
  );
});

afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

const importIn = (code: string) =>
  execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: app, encoding: 'utf8' }).trim();

/** Runs the installed `socketkit-server` with `args` in the app until it exits (no storage variables from the test's environment). */
function runServerBin(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production' };
  for (const name of ['PORT', 'HOST', 'JWT_SECRET', 'SOCKETKIT_DATA_DIR', 'DATABASE_URL', 'REDIS_URL', 'SOCKETKIT_API_KEY', 'SOCKETKIT_ADMIN_UI_USERNAME', 'SOCKETKIT_ADMIN_UI_PASSWORD_HASH']) {
    delete env[name];
  }
  Object.assign(env, extraEnv);
  const child = spawn(join(app, 'node_modules/.bin/socketkit-server'), args, { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((res) => child.once('close', (code) => res({ code, stdout, stderr })));
}

describe('the packed socketkit package', () => {
  it('ships every entry point with types and the UI stylesheet', () => {
    const pkg = JSON.parse(readFileSync(join(app, 'node_modules/socketkit/package.json'), 'utf8'));
    for (const entry of CODE_ENTRIES) {
      const target = pkg.exports[entry];
      expect(existsSync(join(app, 'node_modules/socketkit', target.import)), entry).toBe(true);
      expect(existsSync(join(app, 'node_modules/socketkit', target.types)), `${entry} types`).toBe(true);
    }
    expect(readFileSync(join(app, 'node_modules/socketkit/dist/ui/styles.css'), 'utf8')).toMatch(/--sk-/);
  });

  it('installs none of the optional server peers (pino, database drivers, Redis packages)', () => {
    for (const name of OPTIONAL_SERVER_PEERS) {
      expect(existsSync(join(app, 'node_modules', name)), name).toBe(false);
    }
  });

  it('loads every entry from CommonJS with require() (Node >= 20.19 requires ES modules)', () => {
    const out = execFileSync(
      process.execPath,
      [
        '-e',
        `const entries = ${JSON.stringify(CODE_ENTRIES)};
         const result = {};
         for (const entry of entries) {
           const name = entry === '.' ? 'socketkit' : 'socketkit/' + entry.slice(2);
           result[name] = Object.keys(require(name)).length;
         }
         const server = require('socketkit/server');
         result.signToken = typeof server.signToken;
         result.chatClient = typeof require('socketkit/compat').chatClient.connect;
         console.log(JSON.stringify(result));`,
      ],
      { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const loaded = JSON.parse(out.trim()) as Record<string, number | string>;
    for (const entry of CODE_ENTRIES) {
      const name = entry === '.' ? 'socketkit' : `socketkit/${entry.slice(2)}`;
      expect(loaded[name], name).toBeGreaterThan(0);
    }
    expect(loaded.signToken).toBe('function');
    expect(loaded.chatClient).toBe('function');
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

  it('imports the store and Redis entries without their peers; using them names the package to install', () => {
    const out = importIn(`
      const postgres = await import('socketkit/server/postgres');
      const embedded = await import('socketkit/server/embedded');
      const redis = await import('socketkit/server/redis');
      const compat = await import('socketkit/compat');
      const embeddedError = await embedded.createEmbeddedStore({ dataDir: 'unused' }).then(() => '', (e) => e.message);
      let redisError = '';
      try { redis.createRedisCluster({ redis: {} }); } catch (e) { redisError = e.message; }
      console.log(JSON.stringify({
        postgres: typeof postgres.createPostgresStore, embedded: typeof embedded.createEmbeddedStore,
        redis: typeof redis.createRedisCluster, compat: typeof compat.chatClient.connect, embeddedError, redisError,
      }));
    `);
    const result = JSON.parse(out) as Record<string, string>;
    expect(result).toMatchObject({ postgres: 'function', embedded: 'function', redis: 'function', compat: 'function' });
    expect(result.embeddedError).toContain('npm install @electric-sql/pglite');
    expect(result.redisError).toContain('npm install redis @socket.io/redis-streams-adapter');
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

  it('npx socketkit-server --help prints usage and exits 0 without any optional peer', () => {
    const out = execFileSync('npx', ['socketkit-server', '--help'], { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toContain('Usage: socketkit-server');
  });

  it('socketkit-server --memory without pino exits 1 naming pino, before listening', async () => {
    const { code, stdout, stderr } = await runServerBin(['--memory', '--secret', 'a-test-secret-of-at-least-32-bytes', '--port', '0']);
    expect(code).toBe(1);
    expect(stderr).toContain('npm install pino');
    expect(stdout).not.toContain('listening');
  });

  it('socketkit-server --admin-ui without @socket.io/admin-ui exits 1 naming it, before listening', async () => {
    const login = { SOCKETKIT_ADMIN_UI_USERNAME: 'ops', SOCKETKIT_ADMIN_UI_PASSWORD_HASH: '$2b$10$heqvAkYMez.Va6Et2uXInOnkCT6/uQj1brkrbyG3LpopDklcq7ZOS' };
    const { code, stdout, stderr } = await runServerBin(['--memory', '--admin-ui', '--secret', 'a-test-secret-of-at-least-32-bytes', '--port', '0'], login);
    expect(code).toBe(1);
    expect(stderr).toContain('npm install pino @socket.io/admin-ui');
    expect(stdout).not.toContain('listening');
  });

  it('socketkit-server with the default (embedded) storage and no pglite exits 1 naming @electric-sql/pglite, creating nothing', async () => {
    const { code, stderr } = await runServerBin(['--secret', 'a-test-secret-of-at-least-32-bytes', '--port', '0']);
    expect(code).toBe(1);
    // pino is missing too: one message names both.
    expect(stderr).toContain('npm install pino @electric-sql/pglite');
    expect(existsSync(join(app, 'socketkit-data'))).toBe(false);
  });
});
