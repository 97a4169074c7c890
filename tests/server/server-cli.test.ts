/**
 * `socketkit-server` as an operator runs it (docs/deploy.md, "Every flag"):
 * the real command in its own process, flags and variables, exit codes,
 * probes, signals.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket as NetSocket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { killServerClis, runServerCli } from '../support/server-cli.js';
import { once, waitFor } from '../support/wait.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'socketkit-cli-'));
  dirs.push(dir);
  return dir;
};

afterEach(() => killServerClis());
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('socketkit-server: refusing to start', () => {
  it('exits 1 without a JWT secret, whatever NODE_ENV says, saying why, before listening', async () => {
    for (const NODE_ENV of ['production', 'development']) {
      const cli = runServerCli(['--port', '0', '--memory'], { env: { NODE_ENV } });
      expect(await cli.exited).toBe(1);
      expect(cli.err()).toMatch(/JWT secret is required.*--secret.*JWT_SECRET/);
      expect(cli.out()).not.toMatch(/listening/);
    }
  }, 30_000);

  it('exits 2 for two storage flags, saying why', async () => {
    const cli = runServerCli(['--secret', 'a-test-secret-of-at-least-32-bytes', '--data-dir', tempDir(), '--memory']);
    expect(await cli.exited).toBe(2);
    expect(cli.err()).toMatch(/choose one storage/);
  }, 30_000);

  it('exits 2 for two storage variables without a storage flag; a storage flag overrides them', async () => {
    const env = { SOCKETKIT_DATA_DIR: tempDir(), DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', JWT_SECRET: 'a-test-secret-of-at-least-32-bytes' };
    const both = runServerCli(['--port', '0'], { env });
    expect(await both.exited).toBe(2);
    expect(both.err()).toMatch(/SOCKETKIT_DATA_DIR and DATABASE_URL/);

    const flagWins = runServerCli(['--port', '0', '--memory'], { env });
    await flagWins.listening();
    expect(flagWins.lines().find((l) => l.msg === 'listening')).toMatchObject({ storage: { kind: 'memory' } });
  }, 60_000);

  it('exits 2 for --redis-url without PostgreSQL, the default storage included', async () => {
    const flag = runServerCli(['--secret', 'a-test-secret-of-at-least-32-bytes', '--redis-url', 'redis://127.0.0.1:1']);
    expect(await flag.exited).toBe(2);
    expect(flag.err()).toMatch(/needs PostgreSQL/);
    const variable = runServerCli(['--secret', 'a-test-secret-of-at-least-32-bytes', '--memory'], { env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    expect(await variable.exited).toBe(2);
  }, 30_000);

  it('exits 2 for an empty value of any string flag (--host "" would bind every interface)', async () => {
    const flags = ['--host', '--port', '--presence-grace-ms', '--log-level', '--secret', '--node-id'];
    const clis = flags.map((flag) => runServerCli(['--port', '0', '--secret', 'a-test-secret-of-at-least-32-bytes', '--memory', flag, '']));
    const codes = await Promise.all(
      clis.map((cli) => Promise.race([cli.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 15_000))])),
    );
    expect(codes).toEqual(flags.map(() => 2));
    clis.forEach((cli, i) => expect(cli.err()).toContain(`${flags[i]} needs a value`));
  }, 30_000);

  it('a signal during startup waits for the start, closes what it opened, and exits 1 when the start failed', async () => {
    // A "PostgreSQL" that accepts and never answers holds the start in its connect; closing it fails the start.
    const held: NetSocket[] = [];
    const blackhole = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    const { port } = blackhole.address() as { port: number };
    try {
      const cli = runServerCli(['--secret', 'a-test-secret-of-at-least-32-bytes', '--port', '0', '--database-url', `postgres://nobody@127.0.0.1:${port}/none`]);
      await waitFor(() => held.length > 0, { timeoutMs: 20_000, message: 'the server connects to the database' });
      cli.child.kill('SIGTERM');
      await waitFor(() => cli.lines().some((l) => l.msg.startsWith('stopping')), { timeoutMs: 5000 });
      expect(cli.child.exitCode).toBe(null);
      for (const socket of held) socket.destroy();
      expect(await cli.exited).toBe(1);
      expect(cli.lines().find((l) => l.msg.startsWith('cannot start'))).toBeDefined();
    } finally {
      for (const socket of held) socket.destroy();
      blackhole.close();
    }
  }, 40_000);

  it('exits 2 for an unknown flag and prints usage for --help', async () => {
    const bad = runServerCli(['--bogus']);
    expect(await bad.exited).toBe(2);
    expect(bad.err()).toMatch(/Usage: socketkit-server/);
    const help = runServerCli(['--help']);
    expect(await help.exited).toBe(0);
    expect(help.out()).toMatch(/--database-url/);
  }, 30_000);

  it('exits 7 when PostgreSQL cannot be reached, saying so (issue 19: its own exit code)', async () => {
    const cli = runServerCli(['--secret', 'a-test-secret-of-at-least-32-bytes', '--port', '0', '--database-url', 'postgres://nobody@127.0.0.1:1/none']);
    expect(await cli.exited).toBe(7);
    expect(cli.lines().find((l) => l.msg.startsWith('cannot start'))).toBeDefined();
  }, 30_000);
});

describe('socketkit-server: running', () => {
  it('--memory warns that nothing survives; /health, /ready answer; no development endpoints; no server API without --api-key', async () => {
    const cli = runServerCli(['--port', '0', '--host', '127.0.0.1', '--memory'], { env: { JWT_SECRET: 'env-secret-of-at-least-32-bytes-long' } });
    const url = await cli.listening();
    expect(cli.lines().find((l) => l.level === 40 && /nothing survives a restart/.test(l.msg))).toBeDefined();

    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, connections: 0, storeId: expect.any(String) });
    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(200);
    for (const [method, path] of [
      ['POST', '/auth/token'],
      ['POST', '/dev/reset'],
      ['POST', '/dev/latency'],
      ['POST', '/api/notifications'],
      ['GET', '/server/online-users'],
      ['POST', '/server/users/alice/emit'],
      ['POST', '/server/users/alice/notifications'],
    ]) {
      const res = await fetch(`${url}${path}`, { method, headers: { authorization: 'Bearer anything' } });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
    // Protocol 1.2: the user REST reads are served (tests/server/server-inbox-cli.test.ts); a token that is not one is 401.
    const users = await fetch(`${url}/api/users`, { headers: { authorization: 'Bearer anything' } });
    expect(users.status).toBe(401);
    expect(await users.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  }, 60_000);

  it('reads PORT, HOST and JWT_SECRET; a flag wins over its variable', async () => {
    const cli = runServerCli(['--port', '0', '--memory', '--secret', 'flag-secret-of-at-least-32-bytes-long'], {
      env: { PORT: '1', HOST: '127.0.0.1', JWT_SECRET: 'env-secret-of-at-least-32-bytes-long' },
    });
    const url = await cli.listening();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const connect = (secret: string) =>
      io(url, { auth: { token: jwt.sign({ userId: 'alice' }, secret, { expiresIn: 60 }) }, transports: ['websocket'], reconnection: false });
    const good = connect('flag-secret-of-at-least-32-bytes-long');
    const bad = connect('env-secret-of-at-least-32-bytes-long');
    try {
      expect(await once(good, 'connection:established', 10_000)).toMatchObject({ userId: 'alice' });
      expect(await once<Error>(bad, 'connect_error', 10_000)).toBeInstanceOf(Error);
    } finally {
      good.disconnect();
      bad.disconnect();
    }
  }, 60_000);

  it('SOCKETKIT_API_KEY turns the server API on; --node-id names every line; --log-level filters; --presence-grace-ms applies', async () => {
    const cli = runServerCli(['--port', '0', '--memory', '--node-id', 'node-a', '--log-level', 'warn', '--presence-grace-ms', '0'], {
      env: { JWT_SECRET: 'a-test-secret-of-at-least-32-bytes', SOCKETKIT_API_KEY: 'env-key' },
    });
    // At warn level the "listening" line (info) is not written: wait for the --memory warning instead.
    await waitFor(() => cli.lines().some((l) => /nothing survives/.test(l.msg)), { timeoutMs: 60_000 });
    const warn = cli.lines().find((l) => /nothing survives/.test(l.msg));
    expect(warn).toMatchObject({ nodeId: 'node-a', level: 40 });
    expect(cli.lines().every((l) => l.level >= 40)).toBe(true);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);

    const on = runServerCli(['--port', '0', '--memory', '--presence-grace-ms', '0'], { env: { JWT_SECRET: 'a-test-secret-of-at-least-32-bytes', SOCKETKIT_API_KEY: 'env-key' } });
    const url = await on.listening();
    expect(on.lines().find((l) => l.msg === 'listening')).toMatchObject({ serverApi: true });
    const authorized = await fetch(`${url}/server/users/alice/presence`, { headers: { authorization: 'Bearer env-key' } });
    expect(await authorized.json()).toEqual({ userId: 'alice', online: false });
    const socket = io(url, { auth: { token: jwt.sign({ userId: 'alice' }, 'a-test-secret-of-at-least-32-bytes', { expiresIn: 60 }) }, transports: ['websocket'], reconnection: false });
    await once(socket, 'connection:established', 10_000);
    socket.disconnect();
    // Grace 0: offline as soon as the last socket left (the default grace would keep alice online for 2 s).
    await waitFor(
      async () => {
        const res = await fetch(`${url}/server/users/alice/presence`, { headers: { authorization: 'Bearer env-key' } });
        return ((await res.json()) as { online: boolean }).online === false;
      },
      { timeoutMs: 1500 },
    );
  }, 120_000);

  it('keeps its data in ./socketkit-data of the working directory by default', async () => {
    const cwd = tempDir();
    const cli = runServerCli(['--port', '0', '--secret', 'a-test-secret-of-at-least-32-bytes'], { cwd });
    await cli.listening();
    expect(existsSync(join(cwd, 'socketkit-data'))).toBe(true);
    expect(cli.lines().find((l) => l.msg === 'listening')).toMatchObject({ storage: { kind: 'embedded', dataDir: './socketkit-data' } });
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  }, 90_000);

  it('refuses a data directory another live server has open (exit 5), and takes it over once that server stopped', async () => {
    const dataDir = tempDir();
    const first = runServerCli(['--port', '0', '--secret', 'a-test-secret-of-at-least-32-bytes', '--data-dir', dataDir]);
    await first.listening();
    const second = runServerCli(['--port', '0', '--secret', 'a-test-secret-of-at-least-32-bytes', '--data-dir', dataDir]);
    expect(await second.exited).toBe(5);
    expect(second.lines().find((l) => l.msg.startsWith('cannot start'))?.msg).toMatch(/in use by process \d+/);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const third = runServerCli(['--port', '0', '--secret', 'a-test-secret-of-at-least-32-bytes', '--data-dir', dataDir]);
    await third.listening();
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  }, 120_000);

  it('on SIGTERM closes every socket and the database and exits 0 within 10 s; SIGINT too', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const cli = runServerCli(['--port', '0', '--secret', 'a-test-secret-of-at-least-32-bytes', '--data-dir', tempDir()]);
      const url = await cli.listening();
      const socket = io(url, {
        auth: { token: jwt.sign({ userId: 'alice' }, 'a-test-secret-of-at-least-32-bytes', { expiresIn: 60 }) },
        transports: ['websocket'],
        reconnection: false,
      });
      try {
        await once(socket, 'connection:established', 10_000);
        const disconnected = once(socket, 'disconnect', 10_000);
        const startedAt = Date.now();
        cli.child.kill(signal);
        expect(await cli.exited).toBe(0);
        expect(Date.now() - startedAt).toBeLessThan(10_000);
        await disconnected;
        expect(cli.lines().map((l) => l.msg)).toContain('stopped');
      } finally {
        socket.disconnect();
      }
    }
  }, 120_000);
});

describe('socketkit-server on PostgreSQL', () => {
  let postgres: TestPostgres;
  beforeAll(async () => {
    postgres = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await postgres?.stop();
  });

  it('/ready answers 503 within 3 s once the database is down (and /health still 200)', async () => {
    const url = await postgres.createDatabase();
    const cli = runServerCli(['--port', '0', '--secret', 'a-test-secret-of-at-least-32-bytes', '--database-url', url]);
    const base = await cli.listening();
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    await postgres.stop();
    const startedAt = Date.now();
    const ready = await fetch(`${base}/ready`);
    expect(Date.now() - startedAt).toBeLessThan(3000);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^database: /) } });
    expect((await fetch(`${base}/health`)).status).toBe(200);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  }, 90_000);
});
