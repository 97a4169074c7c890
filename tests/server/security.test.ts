/**
 * Issue 24, each attack replayed against a real `socketkit-server` process:
 * the process must still serve afterwards (a victim connects), memory is
 * read from /proc, a stall is the time a victim's connect takes. Figures are
 * printed (`[attack] …`) for the record in docs/security.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killServerClis, runServerCli, type ServerCli } from '../support/server-cli.js';
import { rawConnect, rssMb, timedConnect } from '../support/attack.js';
import { emitAck, waitFor } from '../support/wait.js';

const SECRET = 'security-test-secret-of-at-least-32-bytes';
const token = (userId: string, claims: Record<string, unknown> = {}) => jwt.sign({ userId, ...claims }, SECRET, { expiresIn: 3600 });
const report = (line: string) => console.log(`[attack] ${line}`);

const dirs: string[] = [];
const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  killServerClis();
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function start(args: string[]): Promise<{ cli: ServerCli; url: string; pid: number }> {
  const cli = runServerCli(['--port', '0', '--host', '127.0.0.1', '--secret', SECRET, ...args]);
  const url = await cli.listening(120_000);
  return { cli, url, pid: cli.child.pid as number };
}

/** Connects a stock client and keeps it for cleanup; rejects with the connect_error. */
function client(url: string, auth: Record<string, unknown>, extra: Record<string, unknown> = {}): Socket {
  const socket = io(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true, ...extra });
  sockets.push(socket);
  return socket;
}

async function victimConnects(url: string, label: string): Promise<number> {
  const { socket, ms } = await timedConnect(url, token('victim'));
  sockets.push(socket);
  report(`${label}: victim connected in ${ms.toFixed(0)} ms`);
  return ms;
}

describe('issue 24 #1: one handshake must not kill the process', () => {
  it('a v1.1 handshake whose auth.presence nests 100,000 arrays deep (200 KB) is refused, on a durable store; the process serves on', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'socketkit-security-'));
    dirs.push(dataDir);
    const { cli, url, pid } = await start(['--data-dir', dataDir]);
    const nested = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const { packet, ws } = await rawConnect(url, `{"token":"${token('mallory')}","protocol":"1.1","presence":${nested}}`);
    ws.close();
    // A CONNECT_ERROR ("44") naming the problem, not an echo of the nesting.
    expect(packet.startsWith('44')).toBe(true);
    expect(packet).toContain('BAD_REQUEST');
    expect(packet.length).toBeLessThan(500);
    const ms = await victimConnects(url, '#1 after a 200 KB nested handshake');
    expect(ms).toBeLessThan(10_000);
    expect(cli.child.exitCode).toBeNull();
    expect(rssMb(pid)).toBeGreaterThan(0);
  }, 180_000);

  it('an invalid element of presence:subscribe is reported by index and type, never echoed', async () => {
    const { url } = await start(['--memory', '--presence-visibility', 'everyone']);
    const mallory = client(url, { token: token('mallory') });
    await waitFor(() => mallory.connected, { timeoutMs: 20_000 });
    let deep: unknown = 'x';
    for (let i = 0; i < 500; i++) deep = [deep];
    const ack = await emitAck(mallory, 'presence:subscribe', { userIds: ['bob', deep, 'y'.repeat(300)] }, 20_000);
    expect(ack).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    const mixed = await emitAck(mallory, 'presence:subscribe', { userIds: ['bob', deep, { id: 'x' }] }, 20_000);
    expect(mixed).toEqual({
      ok: true,
      users: [expect.objectContaining({ userId: 'bob' })],
      invalid: [
        { index: 1, type: 'array', message: expect.any(String) },
        { index: 2, type: 'object', message: expect.any(String) },
      ],
    });
  }, 120_000);
});

describe('issue 24 #2: one user must not exhaust memory', () => {
  it('40 sockets of one token, each watching 10,000 users: 32 sockets and 20,000 watches are held, the rest refused', async () => {
    const { url, pid } = await start(['--memory', '--presence-visibility', 'everyone']);
    await victimConnects(url, '#2 warm-up');
    const before = rssMb(pid);
    const started = performance.now();
    const mallorys: Socket[] = [];
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, async () => {
        const socket = client(url, { token: token('mallory') });
        mallorys.push(socket);
        return new Promise<string>((resolve) => {
          socket.once('connection:established', () => resolve('connected'));
          socket.once('connect_error', (error: Error & { data?: { code?: string } }) => resolve(error.data?.code ?? error.message));
          socket.once('disconnect', () => resolve('disconnected'));
        });
      }),
    );
    const connected = mallorys.filter((s) => s.connected);
    expect(outcomes.filter((o) => o === 'connected')).toHaveLength(32);
    expect(outcomes.filter((o) => o === 'RATE_LIMITED')).toHaveLength(8);
    let watched = 0;
    let refused = 0;
    for (const [s, socket] of connected.entries()) {
      for (let batch = 0; batch < 10; batch++) {
        const userIds = Array.from({ length: 1000 }, (_, i) => `u${s}-${batch}-${i}`);
        const ack = (await emitAck(socket, 'presence:subscribe', { userIds }, 30_000)) as { ok: boolean; error?: { code: string } };
        if (ack.ok) watched += 1000;
        else {
          expect(ack.error?.code).toBe('PAYLOAD_TOO_LARGE');
          refused += 1;
        }
      }
    }
    const grown = rssMb(pid) - before;
    report(`#2: 40 sockets × 10,000 watches: ${outcomes.filter((o) => o === 'connected').length} sockets, ${watched} watches held, ${refused} batches refused, +${grown.toFixed(0)} MB RSS in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(watched).toBe(20_000);
    expect(grown).toBeLessThan(150);
    expect(await victimConnects(url, '#2 after the attack')).toBeLessThan(10_000);
  }, 300_000);
});

describe('issue 24 #3: conversation creation must not amplify into presence changes', () => {
  it('conversation:create is rate limited per user, over all their sockets', async () => {
    const { url } = await start(['--memory', '--conversations-per-hour', '20']);
    const a = client(url, { token: token('mallory') });
    const b = client(url, { token: token('mallory') });
    await waitFor(() => a.connected && b.connected, { timeoutMs: 20_000 });
    const codes: string[] = [];
    for (let i = 0; i < 25; i++) {
      const ack = (await emitAck(i % 2 ? a : b, 'conversation:create', { participantIds: [`p${i}`] }, 20_000)) as {
        ok: boolean;
        error?: { code: string; retryAfterMs?: number };
      };
      codes.push(ack.ok ? 'ok' : (ack.error?.code ?? '?'));
      if (!ack.ok) expect(ack.error?.retryAfterMs).toBeGreaterThan(0);
    }
    expect(codes.filter((c) => c === 'ok')).toHaveLength(20);
    expect(codes.slice(20)).toEqual(Array(5).fill('RATE_LIMITED'));
  }, 120_000);

  it('after 300 conversations of 1,000 participants, 20 of those participants connect without a stall (embedded database)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'socketkit-security-'));
    dirs.push(dataDir);
    const apiKey = 'security-test-api-key';
    const { url } = await start(['--data-dir', dataDir, '--api-key', apiKey]);
    const participants = Array.from({ length: 999 }, (_, i) => `p${i}`);
    const created = performance.now();
    for (let batch = 0; batch < 30; batch++) {
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          const res = await fetch(`${url}/server/conversations`, {
            method: 'POST',
            headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
            body: JSON.stringify({ createdBy: 'mallory', participantIds: participants }),
          });
          expect(res.status).toBe(201);
        }),
      );
    }
    report(`#3: 300 conversations × 1,000 participants created in ${((performance.now() - created) / 1000).toFixed(1)} s`);
    const started = performance.now();
    const times = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const { socket, ms } = await timedConnect(url, token(`p${i}`), 60_000);
        sockets.push(socket);
        return ms;
      }),
    );
    const slowest = times.reduce((a, b) => Math.max(a, b), 0);
    report(`#3: 20 participants connected in ${((performance.now() - started) / 1000).toFixed(1)} s, slowest ${slowest.toFixed(0)} ms`);
    const ms = await victimConnects(url, '#3 after the 20 connects');
    expect(slowest).toBeLessThan(10_000);
    expect(ms).toBeLessThan(5_000);
  }, 600_000);
});

describe('issue 24 #4: presence has access control', () => {
  it('by default a user sees only the presence of those they share a conversation with', async () => {
    const { url } = await start(['--memory']);
    const mallory = client(url, { token: token('mallory') });
    const alice = client(url, { token: token('alice') });
    await waitFor(() => mallory.connected && alice.connected, { timeoutMs: 20_000 });
    const created = (await emitAck(alice, 'conversation:create', { participantIds: ['bob'] }, 20_000)) as { ok: boolean };
    expect(created.ok).toBe(true);
    const bob = client(url, { token: token('bob') });
    await waitFor(() => bob.connected, { timeoutMs: 20_000 });
    // mallory shares nothing with alice or bob: a directory of nobody, and nothing watched.
    await expect(emitAck(mallory, 'presence:list', undefined, 20_000)).resolves.toEqual({ ok: true, users: [expect.objectContaining({ userId: 'mallory' })], hasMore: false });
    await expect(emitAck(mallory, 'presence:subscribe', { userIds: ['alice', 'bob'] }, 20_000)).resolves.toEqual({
      ok: true,
      users: [
        { userId: 'alice', online: false },
        { userId: 'bob', online: false },
      ],
    });
    // alice shares a conversation with bob: she sees him.
    const list = (await emitAck(alice, 'presence:list', undefined, 20_000)) as { users: { userId: string }[] };
    expect(list.users.map((u) => u.userId).sort()).toEqual(['alice', 'bob']);
    await expect(emitAck(alice, 'presence:subscribe', { userIds: ['bob'] }, 20_000)).resolves.toMatchObject({ users: [{ userId: 'bob', online: true }] });
    // A v1.1 handshake watch obeys the same policy.
    const { socket, established } = await new Promise<{ socket: Socket; established: { presence?: unknown } }>((resolve) => {
      const s = client(url, { token: token('mallory'), protocol: '1.1', presence: ['bob'] });
      s.once('connection:established', (payload: { presence?: unknown }) => resolve({ socket: s, established: payload }));
    });
    expect(established.presence).toEqual({ ok: true, users: [{ userId: 'bob', online: false }] });
    // bob's going offline reaches alice, not mallory.
    const heardByMallory: unknown[] = [];
    mallory.on('user:offline', (p) => heardByMallory.push(p));
    socket.on('presence:changes', (p) => heardByMallory.push(p));
    const offline = new Promise((resolve) => alice.once('user:offline', resolve));
    bob.disconnect();
    await expect(offline).resolves.toMatchObject({ userId: 'bob' });
    expect(heardByMallory).toEqual([]);
  }, 120_000);
});

describe('issue 24 #7: unauthenticated transport sessions are bounded', () => {
  it('2,000 engine.io sessions without a token: 200 held per address, closed after the connect timeout; another address connects meanwhile', async () => {
    const { url, pid } = await start(['--memory', '--connect-timeout-ms', '3000', '--max-pending-sessions-per-address', '200']);
    await victimConnects(url, '#7 warm-up');
    const before = rssMb(pid);
    const statuses: number[] = [];
    for (let batch = 0; batch < 20; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 100 }, () => fetch(`${url}/socket.io/?EIO=4&transport=polling`).then(async (res) => (await res.text(), res.status))),
      );
      for (const answer of answers) statuses.push(answer);
    }
    const grown = rssMb(pid) - before;
    const accepted = statuses.filter((s) => s === 200).length;
    report(`#7: 2,000 sessions without a token: ${accepted} accepted, ${statuses.length - accepted} refused, +${grown.toFixed(0)} MB RSS`);
    expect(accepted).toBe(200);
    expect(grown).toBeLessThan(60);
    // Another address is not locked out by this one's pending sessions.
    const { socket, ms } = await timedConnect(url, token('victim'), 20_000, { localAddress: '127.0.0.2' });
    sockets.push(socket);
    report(`#7: victim from another address connected in ${ms.toFixed(0)} ms while 200 sessions were pending`);
    expect(ms).toBeLessThan(10_000);
    // After the connect timeout (and engine.io's 30 s polling close timeout for a client that stopped polling) the pending ones are gone.
    await waitFor(
      async () => (await fetch(`${url}/socket.io/?EIO=4&transport=polling`).then(async (res) => (await res.text(), res.status))) === 200,
      { timeoutMs: 90_000, intervalMs: 1000 },
    );
  }, 180_000);
});

describe('issue 24 #6: the library does not fail open', () => {
  it('createSocketkitServer without a secret refuses to start whatever NODE_ENV says; nothing listens to accept a token forged with the development secret', async () => {
    const { spawn } = await import('node:child_process');
    const script = `
      import http from 'node:http';
      import { createSocketkitServer } from './src/server/index.ts';
      const server = http.createServer();
      createSocketkitServer(server, { quiet: true });
      server.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port));
    `;
    for (const NODE_ENV of [undefined, 'development', 'test']) {
      const env: NodeJS.ProcessEnv = { ...process.env };
      delete env.JWT_SECRET;
      delete env.NODE_ENV;
      if (NODE_ENV) env.NODE_ENV = NODE_ENV;
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: join(import.meta.dirname, '../..'), env });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).not.toBe(0);
      expect(out).toMatch(/JWT_SECRET is not set/);
      expect(out).not.toMatch(/listening/);
    }
  }, 120_000);
});

describe('issue 24 #8: tokens, revocation, refusals, secrets', () => {
  it('a token without exp, or living longer than --max-token-lifetime-s, is refused; the server API disconnects a user', async () => {
    const apiKey = 'security-test-api-key';
    const { url } = await start(['--memory', '--api-key', apiKey, '--max-token-lifetime-s', '3600']);
    const refusal = (auth: Record<string, unknown>) =>
      new Promise<string>((resolve) => {
        const socket = client(url, auth);
        socket.once('connect_error', (error: Error & { data?: { code?: string } }) => resolve(`${error.data?.code}: ${error.message}`));
        socket.once('connection:established', () => resolve('connected'));
      });
    expect(await refusal({ token: jwt.sign({ userId: 'mallory' }, SECRET) })).toMatch(/^TOKEN_INVALID: .*no exp/);
    expect(await refusal({ token: jwt.sign({ userId: 'mallory' }, SECRET, { expiresIn: 7200 }) })).toMatch(/^TOKEN_INVALID: .*lifetime/);
    expect(await refusal({ token: jwt.sign({ userId: 'mallory' }, SECRET, { expiresIn: 3600 }) })).toBe('connected');

    const victim = client(url, { token: token('victim') });
    const other = client(url, { token: token('victim') });
    await waitFor(() => victim.connected && other.connected, { timeoutMs: 20_000 });
    const res = await fetch(`${url}/server/users/victim/disconnect`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, disconnected: 2 });
    await waitFor(() => !victim.connected && !other.connected, { timeoutMs: 20_000 });
  }, 120_000);

  it('the CLI refuses a JWT secret shorter than 32 bytes', async () => {
    const cli = runServerCli(['--port', '0', '--memory', '--secret', 'x'.repeat(31)]);
    expect(await cli.exited).toBe(1);
    expect(cli.err()).toMatch(/31 bytes: HS256 needs at least 32/);
  }, 60_000);

  it('a refusal does not reveal the expected issuer or audience', async () => {
    const { createMockServer } = await import('socketkit/mock-server');
    const server = await createMockServer({ port: 0, secret: SECRET, quiet: true, jwt: { issuer: 'internal-issuer-name', audience: 'internal-audience' } });
    try {
      const message = await new Promise<string>((resolve) => {
        const socket = client(server.url, { token: jwt.sign({ userId: 'mallory', iss: 'guess', aud: 'guess' }, SECRET, { expiresIn: 60 }) });
        socket.once('connect_error', (error: Error) => resolve(error.message));
      });
      expect(message).toMatch(/invalid/);
      expect(message).not.toMatch(/internal-issuer-name|internal-audience/);
    } finally {
      await server.close();
    }
  }, 60_000);

  it("the mock server refuses cross-site writes (a text/plain POST needs no preflight) and lets only clientUrl origins read /auth/token", async () => {
    const { createMockServer } = await import('socketkit/mock-server');
    const server = await createMockServer({ port: 0, secret: SECRET, quiet: true, clientUrl: 'http://localhost:5173', allowLoopbackOrigins: true, devEndpoints: true });
    try {
      const crossSite = await fetch(`${server.url}/dev/latency`, {
        method: 'POST',
        headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
        body: JSON.stringify({ ms: 60_000 }),
      });
      expect(crossSite.status).toBe(403);
      const plain = await fetch(`${server.url}/dev/latency`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ ms: 60_000 }) });
      expect(plain.status).toBe(415);
      const tokenFor = (origin: string) =>
        fetch(`${server.url}/auth/token`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'alice' }) });
      const otherLocalPage = await tokenFor('http://localhost:8080');
      expect(otherLocalPage.headers.get('access-control-allow-origin')).toBeNull();
      const app = await tokenFor('http://localhost:5173');
      expect(app.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    } finally {
      await server.close();
    }
  }, 60_000);

  it('a newline in a user id cannot forge a console log line', async () => {
    const { consoleLogger } = await import('socketkit/server');
    const lines: string[] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
    try {
      consoleLogger.info('connect alice\n[socketkit] connect admin (socket x, websocket)');
    } finally {
      console.log = original;
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]?.split('\n')).toHaveLength(1);
    expect(lines[0]).toContain('alice\\n[socketkit]');
  });
});
