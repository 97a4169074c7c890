import jwt from 'jsonwebtoken';
import { afterEach, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { createServer } from 'node:http';
import { AUTH_ERROR_PREFIX } from 'socketkit/protocol';
import { createSocketkitServer, resolveJwtSecret } from 'socketkit/server';
import { startServer, TEST_SECRET, type TestServer } from '../support/server.js';
import { once, waitFor } from '../support/wait.js';

let server: TestServer;
afterEach(async () => {
  await server?.cleanup();
});

interface ConnectError extends Error {
  data?: { code?: string };
}

async function refused(s: TestServer, token: string | null | unknown): Promise<ConnectError> {
  const client = s.socket({ auth: token === null ? {} : { token } });
  return once<ConnectError>(client, 'connect_error');
}

describe('handshake authentication', () => {
  it('refuses a handshake without a token: TOKEN_MISSING', async () => {
    server = await startServer();
    const error = await refused(server, null);
    expect(error.message.startsWith(AUTH_ERROR_PREFIX)).toBe(true);
    expect(error.data).toEqual({ code: 'TOKEN_MISSING' });
  });

  it('refuses a token that is not a string: TOKEN_MISSING', async () => {
    server = await startServer();
    expect((await refused(server, 12345)).data).toEqual({ code: 'TOKEN_MISSING' });
  });

  it('refuses a token with a bad signature: TOKEN_INVALID', async () => {
    server = await startServer();
    const token = server.signToken({ userId: 'alice' }, { secret: 'another-secret' });
    const error = await refused(server, token);
    expect(error.message.startsWith(AUTH_ERROR_PREFIX)).toBe(true);
    expect(error.data).toEqual({ code: 'TOKEN_INVALID' });
  });

  it('refuses garbage: TOKEN_INVALID', async () => {
    server = await startServer();
    expect((await refused(server, 'not.a.jwt')).data).toEqual({ code: 'TOKEN_INVALID' });
  });

  it('never accepts alg none', async () => {
    server = await startServer();
    const token = jwt.sign({ userId: 'alice' }, '', { algorithm: 'none' });
    expect((await refused(server, token)).data).toEqual({ code: 'TOKEN_INVALID' });
  });

  it('refuses an algorithm other than the pinned one (HS512 when HS256 is pinned)', async () => {
    server = await startServer();
    const token = jwt.sign({ userId: 'alice' }, TEST_SECRET, { algorithm: 'HS512' });
    expect((await refused(server, token)).data).toEqual({ code: 'TOKEN_INVALID' });
  });

  it('refuses an expired token: TOKEN_EXPIRED', async () => {
    server = await startServer();
    const token = server.signToken({ userId: 'alice' }, { expiresInS: -60 });
    expect((await refused(server, token)).data).toEqual({ code: 'TOKEN_EXPIRED' });
  });

  it('refuses a token already past exp by the server clock, even within the 5 s tolerance (no accept-then-expire loop)', async () => {
    server = await startServer();
    const token = server.signToken({ userId: 'alice' }, { expiresInS: -2 });
    expect((await refused(server, token)).data).toEqual({ code: 'TOKEN_EXPIRED' });
  });

  it('refuses a token without userId or sub: TOKEN_INVALID', async () => {
    server = await startServer();
    const token = jwt.sign({ name: 'Nobody' }, TEST_SECRET, { expiresIn: 60 });
    expect((await refused(server, token)).data).toEqual({ code: 'TOKEN_INVALID' });
  });

  it('checks issuer and audience when configured', async () => {
    server = await startServer({ jwt: { issuer: 'socketkit-tests', audience: 'chat' } });
    const good = server.signToken({ userId: 'alice' });
    const wrongIssuer = jwt.sign({ userId: 'alice' }, TEST_SECRET, { issuer: 'evil', audience: 'chat', expiresIn: 60 });
    const wrongAudience = jwt.sign({ userId: 'alice' }, TEST_SECRET, { issuer: 'socketkit-tests', audience: 'x', expiresIn: 60 });
    const none = jwt.sign({ userId: 'alice' }, TEST_SECRET, { expiresIn: 60 });
    expect((await refused(server, wrongIssuer)).data).toEqual({ code: 'TOKEN_INVALID' });
    expect((await refused(server, wrongAudience)).data).toEqual({ code: 'TOKEN_INVALID' });
    expect((await refused(server, none)).data).toEqual({ code: 'TOKEN_INVALID' });
    const socket = await server.connect('alice', { token: good });
    expect(socket.connected).toBe(true);
  });
});

describe('identity', () => {
  it('turns a numeric userId claim into a string', async () => {
    server = await startServer();
    const client = server.socket({ auth: { token: server.signToken({ userId: 6 }) } });
    const established = await once<{ userId: unknown; socketId: string; serverTime: string }>(client, 'connection:established');
    expect(established.userId).toBe('6');
    expect(established.socketId).toBe(client.id);
    expect(Number.isNaN(Date.parse(established.serverTime))).toBe(false);
    expect(server.socketkit.isUserOnline('6')).toBe(true);
    expect(server.socketkit.isUserOnline(6)).toBe(true);
  });

  it('falls back to the sub claim', async () => {
    server = await startServer();
    const client = server.socket({ auth: { token: jwt.sign({ sub: 'bob' }, TEST_SECRET, { expiresIn: 60 }) } });
    expect((await once<{ userId: string }>(client, 'connection:established')).userId).toBe('bob');
  });

  it('accepts an Authorization: Bearer header from non-browser clients', async () => {
    server = await startServer();
    const client = server.socket({ extraHeaders: { authorization: `Bearer ${server.token('dave')}` } });
    expect((await once<{ userId: string }>(client, 'connection:established')).userId).toBe('dave');
  });

  it('lets profile claims override the seed name', async () => {
    server = await startServer();
    await server.connect('alice', { claims: { name: 'Alice M.', avatarUrl: 'https://example.com/a.png' } });
    const res = await fetch(`${server.url}/api/users`, { headers: { authorization: `Bearer ${server.token('bob')}` } });
    const { users } = (await res.json()) as { users: { id: string; name: string; avatarUrl?: string; online: boolean }[] };
    const alice = users.find((u) => u.id === 'alice');
    expect(alice).toMatchObject({ name: 'Alice M.', avatarUrl: 'https://example.com/a.png', online: true });
  });
});

describe('token expiry while connected', () => {
  it('emits auth:expired at exp, then disconnects the socket', async () => {
    server = await startServer();
    const token = server.token('alice', {}, 2);
    const { exp } = jwt.decode(token) as { exp: number };
    // Listen before the handshake: on a slow machine exp may come soon after it.
    const socket = server.socket({ auth: { token } });
    const established = once(socket, 'connection:established', 4000);
    const expired = once<{ at: string }>(socket, 'auth:expired', 5000);
    const disconnected = once<string>(socket, 'disconnect', 5000);
    await established;
    const { at } = await expired;
    expect(at).toBe(new Date(exp * 1000).toISOString());
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000);
    expect(await disconnected).toBe('io server disconnect');
  });
});

describe('token expiry of many sockets (one timer)', () => {
  it('each socket gets auth:expired at its own exp, never before; one that left first is not touched', async () => {
    server = await startServer();
    const tokens = [2, 3, 3].map((s, i) => server.token(`user${i}`, {}, s));
    const exps = tokens.map((t) => (jwt.decode(t) as { exp: number }).exp * 1000);
    const sockets = tokens.map((token) => server.socket({ auth: { token } }));
    const expiredAt: (number | null)[] = [null, null, null];
    const payloadAt: (string | null)[] = [null, null, null];
    sockets.forEach((socket, i) =>
      socket.on('auth:expired', ({ at }: { at: string }) => {
        expiredAt[i] = Date.now();
        payloadAt[i] = at;
      }),
    );
    await Promise.all(sockets.map((socket) => once(socket, 'connection:established', 4000)));
    sockets[2]?.disconnect();
    await waitFor(() => expiredAt[0] !== null && expiredAt[1] !== null, { timeoutMs: 6000 });
    for (const i of [0, 1]) {
      expect(expiredAt[i]).toBeGreaterThanOrEqual(exps[i] as number);
      expect(payloadAt[i]).toBe(new Date(exps[i] as number).toISOString());
    }
    expect(expiredAt[2]).toBeNull();
  });
});

describe('JWT_SECRET', () => {
  it('refuses to start in production without JWT_SECRET', () => {
    expect(() => resolveJwtSecret({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    const httpServer = createServer();
    const previous = { secret: process.env.JWT_SECRET, env: process.env.NODE_ENV };
    delete process.env.JWT_SECRET;
    process.env.NODE_ENV = 'production';
    try {
      expect(() => createSocketkitServer(httpServer, { quiet: true })).toThrow(/JWT_SECRET/);
    } finally {
      if (previous.secret === undefined) delete process.env.JWT_SECRET;
      else process.env.JWT_SECRET = previous.secret;
      process.env.NODE_ENV = previous.env;
    }
  });

  it('reads JWT_SECRET when called, not at import', () => {
    expect(resolveJwtSecret({ JWT_SECRET: 'from-env' })).toBe('from-env');
  });

  it('uses a loud development fallback outside production', () => {
    const warnings: unknown[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args);
    try {
      expect(resolveJwtSecret({ NODE_ENV: 'development' })).toMatch(/DO-NOT-USE-IN-PRODUCTION/);
    } finally {
      console.warn = original;
    }
    // Warned once per process: this test may or may not be the first caller.
    expect(warnings.length).toBeLessThanOrEqual(1);
  });
});

describe('stock client over the wire', () => {
  it('connects with a token from the dev endpoint, as the README shows', async () => {
    server = await startServer();
    const res = await fetch(`${server.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'carol', name: 'Carol' }),
    });
    const { token } = (await res.json()) as { token: string };
    const client = io(server.url, { auth: { token }, forceNew: true, reconnection: false });
    try {
      expect((await once<{ userId: string }>(client, 'connection:established')).userId).toBe('carol');
    } finally {
      client.disconnect();
    }
  });
});
