/**
 * Issue 10, "Coming from the seed design" and "The package as users install it":
 * the seed's server call shapes, excluding a user from a broadcast, the token
 * signer next to the verifier, and the mock server's CORS in development and production.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connectClient, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { conversationRoom, userRoom } from 'socketkit/protocol';
import {
  broadcastToConversation,
  createOriginPolicy,
  createSocketkitServer,
  createTokenSigner,
  initializeChatSocket,
  sendToUser,
  signToken,
  verifyToken,
  type LogFields,
  type SocketkitLogger,
  type SocketkitServer,
} from 'socketkit/server';
import { isLoopbackOrigin } from 'socketkit/server/internal';
import { startServer, type TestServer } from '../support/server.js';
import { collect, waitFor } from '../support/wait.js';

let server: TestServer | null = null;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await server?.cleanup();
  server = null;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function capture(): SocketkitLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info() {}, warn: (m: string | LogFields) => void warnings.push(String(m)), error() {} };
}

/** Everything the sockets received for `event`, after a request round trip proves delivery is done. */
async function settle(sockets: Socket[]): Promise<void> {
  await Promise.all(sockets.map((s) => s.timeout(2000).emitWithAck('presence:list', {})));
}

describe("the seed's server helpers", () => {
  it('sendToUser(io, userId, …): the standalone helper and the method both accept the seed shape', async () => {
    server = await startServer();
    const [tab1, tab2] = [await server.connect('alice'), await server.connect('alice')];
    const got = [collect(tab1, 'notification:new'), collect(tab2, 'notification:new')];
    expect(sendToUser(server.io, 'alice', 'notification:new', { n: 1 })).toBe(2);
    expect(sendToUser(server.socketkit, 'alice', 'notification:new', { n: 2 })).toBe(2);
    // A JavaScript app calling the method the seed's way.
    const seedCall = server.socketkit.sendToUser as unknown as (...args: unknown[]) => number;
    expect(seedCall(server.io, 'alice', 'notification:new', { n: 3 })).toBe(2);
    expect(server.socketkit.sendToUser('alice', 'notification:new', { n: 4 })).toBe(2);
    await waitFor(() => got.every((g) => g.events.length === 4));
    expect(got[0]!.events).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
  });

  it('broadcastToConversation excludes every socket of one user (seed 5th argument and exceptUserId)', async () => {
    server = await startServer();
    const alice = [await server.connect('alice'), await server.connect('alice')];
    const bob = await server.connect('bob');
    server.io.in([userRoom('alice'), userRoom('bob')]).socketsJoin(conversationRoom('42'));
    const heard = [...alice, bob].map((s) => collect<{ k: string }>(s, 'custom:event'));
    broadcastToConversation(server.io, 42, 'custom:event', { k: 'seed' }, 'alice');
    server.socketkit.broadcastToConversation('42', 'custom:event', { k: 'option' }, { exceptUserId: 'alice' });
    const seedCall = server.socketkit.broadcastToConversation as unknown as (...args: unknown[]) => void;
    seedCall(server.io, '42', 'custom:event', { k: 'method-seed' }, 'alice');
    server.socketkit.broadcastToConversation('42', 'custom:event', { k: 'all' });
    await waitFor(() => heard[2]!.events.length === 4);
    await settle([...alice, bob]);
    expect(heard[2]!.events.map((e) => e.k)).toEqual(['seed', 'option', 'method-seed', 'all']);
    expect(heard[0]!.events.map((e) => e.k)).toEqual(['all']);
    expect(heard[1]!.events.map((e) => e.k)).toEqual(['all']);
  });

  it('an id that is neither a string nor a number is refused with the call to use', async () => {
    server = await startServer();
    const call = server.socketkit.sendToUser as unknown as (...args: unknown[]) => number;
    expect(() => call({ id: 'alice' }, 'notification:new', {})).toThrow(/userId must be a string or number id.*socketkit\.sendToUser\(userId, event, data\)/);
    expect(() => broadcastToConversation(server!.io, { id: 1 } as never, 'x', {})).toThrow(TypeError);
  });

  it("initializeChatSocket's result keeps the seed's chatIO.to(room).emit(…)", async () => {
    const http: HttpServer = createServer();
    const chatIO = initializeChatSocket(http, { secret: 'seed-secret', quiet: true });
    cleanups.push(async () => {
      await chatIO.close();
      http.closeAllConnections();
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const token = createTokenSigner({ secret: 'seed-secret' })({ userId: 6 });
    const socket = connectClient(url, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
    cleanups.push(async () => void socket.disconnect());
    await new Promise((resolve, reject) => {
      socket.once('connection:established', resolve);
      socket.once('connect_error', reject);
    });
    const got = collect(socket, 'dashboard:update');
    chatIO.to(userRoom('6')).emit('dashboard:update', { ok: true });
    await waitFor(() => got.events.length === 1);
    expect(got.events).toEqual([{ ok: true }]);
  });
});

describe('signToken / createTokenSigner', () => {
  it('signs with the secret, algorithm, issuer and audience the server verifies with', () => {
    const jwtOptions = { issuer: 'my-app', audience: ['chat', 'other'] };
    const token = createTokenSigner({ secret: 's3cret', jwt: jwtOptions })({ userId: 'alice', name: 'Alice Martin' });
    expect(verifyToken(token, 's3cret', jwtOptions)).toMatchObject({ userId: 'alice', profile: { name: 'Alice Martin' } });
    expect(() => verifyToken(token, 's3cret', { ...jwtOptions, issuer: 'someone-else' })).toThrow(/TOKEN_INVALID|issuer/);
  });

  it('reads JWT_SECRET at call time, as the server does, and refuses claims without a user', () => {
    const saved = process.env.JWT_SECRET;
    process.env.JWT_SECRET = 'from-env';
    try {
      expect(verifyToken(signToken({ userId: 7 }), 'from-env').userId).toBe('7');
      expect(() => signToken({ name: 'nobody' })).toThrow(/userId/);
    } finally {
      if (saved === undefined) delete process.env.JWT_SECRET;
      else process.env.JWT_SECRET = saved;
    }
  });

  it('a token from the signer opens a socket on a server with issuer and audience', async () => {
    const http = createServer();
    const jwtOptions = { issuer: 'my-app', audience: 'chat' };
    const socketkit: SocketkitServer = createSocketkitServer(http, { secret: 'k', jwt: jwtOptions, quiet: true });
    cleanups.push(async () => {
      await socketkit.close();
      http.closeAllConnections();
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const socket = connectClient(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, {
      auth: { token: signToken({ userId: 'alice' }, { secret: 'k', jwt: jwtOptions }) },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    cleanups.push(async () => void socket.disconnect());
    const established = await new Promise<{ userId: string }>((resolve, reject) => {
      socket.once('connection:established', resolve);
      socket.once('connect_error', reject);
    });
    expect(established.userId).toBe('alice');
  });
});

describe('CORS', () => {
  const preflight = (url: string, origin: string) =>
    fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers: { origin } }).then((r) => r.headers.get('access-control-allow-origin'));
  const api = (url: string, origin: string) => fetch(`${url}/health`, { headers: { origin } }).then((r) => r.headers.get('access-control-allow-origin'));

  it('in development the mock server allows loopback origins on any port, and only those besides CLIENT_URL', async () => {
    const logger = capture();
    // No allowLoopbackOrigins: the default (on, since NODE_ENV is not production here).
    expect(process.env.NODE_ENV).not.toBe('production');
    server = await startServer({ quiet: false, logger, clientUrl: 'http://localhost:5173' });
    for (const origin of ['http://localhost:4173', 'http://127.0.0.1:61234', 'http://[::1]:6006']) {
      expect(await preflight(server.url, origin), origin).toBe(origin);
      expect(await api(server.url, origin), origin).toBe(origin);
    }
    expect(await preflight(server.url, 'http://evil.example:4173')).toBeNull();
    expect(await api(server.url, 'http://evil.example:4173')).toBeNull();
    expect(logger.warnings.filter((w) => w.includes('refused origin http://evil.example:4173'))).toHaveLength(1);
  });

  it('in production the list is strict; a refused origin is logged once, with how to allow it', async () => {
    const logger = capture();
    server = await startServer({ quiet: false, logger, allowLoopbackOrigins: false, clientUrl: 'http://localhost:5173' });
    expect(await preflight(server.url, 'http://localhost:5173')).toBe('http://localhost:5173');
    expect(await preflight(server.url, 'http://localhost:4173')).toBeNull();
    expect(await api(server.url, 'http://localhost:4173')).toBeNull();
    expect(await preflight(server.url, 'http://localhost:4173')).toBeNull();
    const lines = logger.warnings.filter((w) => w.includes('refused origin http://localhost:4173'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('CLIENT_URL=http://localhost:5173,http://localhost:4173');
  });

  it('isLoopbackOrigin takes only http(s) localhost, 127.0.0.1 and [::1]; createOriginPolicy is strict by default', () => {
    expect(isLoopbackOrigin('http://localhost:4173')).toBe(true);
    expect(isLoopbackOrigin('https://[::1]')).toBe(true);
    expect(isLoopbackOrigin('http://localhost.evil.example')).toBe(false);
    expect(isLoopbackOrigin('file://localhost')).toBe(false);
    const strict = createOriginPolicy({ clientUrls: ['https://app.example.com'] });
    expect(strict('http://localhost:4173')).toBe(false);
    expect(strict('https://app.example.com')).toBe(true);
  });
});
