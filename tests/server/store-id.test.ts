/**
 * `storeId` in `connection:established` (server-v1.md, "Durability"): new
 * for every in-memory store (so for every mock server, and after a reset),
 * the same for every connection to one store. Durable stores keep theirs
 * across restarts: tests/stores/conformance.test.ts and durability.test.ts.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionEstablishedPayload } from 'socketkit/protocol';
import { createMemoryStore, createSocketkitServer, STORE_WAIT_BEFORE_CONNECT_MS, type SocketkitServer, type SocketkitStore } from 'socketkit/server';
import { startServer, type TestServer } from '../support/server.js';
import { once, waitFor } from '../support/wait.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.cleanup()));
});

async function established(server: TestServer, userId = 'alice'): Promise<ConnectionEstablishedPayload> {
  const socket = server.socket({ auth: { token: server.token(userId) } });
  return once<ConnectionEstablishedPayload>(socket, 'connection:established', 5000);
}

describe('storeId', () => {
  it('the mock server sends one per store: the same to every socket, another for another server and after POST /dev/reset', async () => {
    const a = await startServer();
    const b = await startServer();
    servers.push(a, b);
    const first = await established(a, 'alice');
    expect(first.storeId).toEqual(expect.any(String));
    expect((await established(a, 'bob')).storeId).toBe(first.storeId);
    expect((await established(b)).storeId).not.toBe(first.storeId);
    expect((await fetch(`${a.url}/dev/reset`, { method: 'POST' })).status).toBe(200);
    expect((await established(a)).storeId).not.toBe(first.storeId);
  });

  it('createSocketkitServer keeps the memory store as its default, and gives a store without getStoreId one id per server', async () => {
    const make = async (store?: SocketkitStore): Promise<{ socketkit: SocketkitServer; url: string }> => {
      const httpServer = createServer();
      const socketkit = createSocketkitServer(httpServer, { secret: 's', quiet: true, ...(store ? { store } : {}) });
      await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
      return { socketkit, url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}` };
    };
    const connect = async (url: string) => {
      const socket = io(url, { auth: { token: jwt.sign({ userId: 'alice' }, 's', { expiresIn: 60 }) }, transports: ['websocket'], reconnection: false, forceNew: true });
      try {
        return await once<ConnectionEstablishedPayload>(socket, 'connection:established', 5000);
      } finally {
        socket.disconnect();
      }
    };
    const plain = await make();
    const { getStoreId: _omitted, ...withoutId } = createMemoryStore();
    const custom = await make(withoutId);
    try {
      expect(typeof plain.socketkit.store.reset).toBe('function');
      expect((await connect(plain.url)).storeId).toBe(await plain.socketkit.store.getStoreId?.());
      const id = (await connect(custom.url)).storeId;
      expect(id).toEqual(expect.any(String));
      expect((await connect(custom.url)).storeId).toBe(id);
    } finally {
      await plain.socketkit.close();
      await custom.socketkit.close();
    }
  });

  /** A socketkit server on `store`, and a client connecting to it that records what it sees, in order, with when. */
  async function serveAndConnect(store: SocketkitStore) {
    const httpServer = createServer();
    const socketkit = createSocketkitServer(httpServer, { secret: 's'.repeat(32), quiet: true, store });
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
    const startedAt = performance.now();
    const socket = io(url, { auth: { token: jwt.sign({ userId: 'alice' }, 's'.repeat(32), { expiresIn: 60 }) }, transports: ['websocket'], reconnection: false, forceNew: true });
    const seen: { event: string; atMs: number; payload?: ConnectionEstablishedPayload }[] = [];
    socket.on('connect', () => seen.push({ event: 'connect', atMs: performance.now() - startedAt }));
    socket.on('connection:established', (payload: ConnectionEstablishedPayload) => seen.push({ event: 'connection:established', atMs: performance.now() - startedAt, payload }));
    const close = async () => {
      socket.disconnect();
      await socketkit.close();
      httpServer.closeAllConnections();
      await new Promise((resolve) => httpServer.close(resolve));
    };
    return { socket, seen, close };
  }

  it('a store that does not answer holds the CONNECT answer at most STORE_WAIT_BEFORE_CONNECT_MS; connection:established follows when it answers', async () => {
    let release = (): void => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { seen, close } = await serveAndConnect({ ...createMemoryStore(), getStoreId: () => gate.then(() => 'late') });
    try {
      await waitFor(() => seen.length > 0, { timeoutMs: STORE_WAIT_BEFORE_CONNECT_MS + 3000 });
      expect(seen.map((s) => s.event)).toEqual(['connect']);
      expect(seen[0]!.atMs).toBeGreaterThanOrEqual(STORE_WAIT_BEFORE_CONNECT_MS - 50);
      release();
      await waitFor(() => seen.length === 2, { timeoutMs: 3000 });
      expect(seen[1]).toMatchObject({ event: 'connection:established', payload: { userId: 'alice', storeId: 'late' } });
    } finally {
      await close();
    }
  });

  it('a store of the app’s own that throws at once (upsertUser, getStoreId) costs the socket only its storeId: the server stays up and answers', async () => {
    const broken: SocketkitStore = {
      ...createMemoryStore(),
      upsertUser: () => {
        throw new Error('upsertUser broke');
      },
      getStoreId: () => {
        throw new Error('getStoreId broke');
      },
    };
    const { socket, seen, close } = await serveAndConnect(broken);
    try {
      await waitFor(() => seen.length === 2, { timeoutMs: 3000 });
      expect(seen.map((s) => s.event)).toEqual(['connect', 'connection:established']);
      expect(seen[1]!.payload).toEqual({ userId: 'alice', socketId: socket.id, serverTime: expect.any(String) });
      expect(await socket.emitWithAck('presence:list', {})).toMatchObject({ ok: true });
    } finally {
      await close();
    }
  });
});
