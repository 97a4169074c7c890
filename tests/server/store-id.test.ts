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
import { createMemoryStore, createSocketkitServer, type SocketkitServer, type SocketkitStore } from 'socketkit/server';
import { startServer, type TestServer } from '../support/server.js';
import { once } from '../support/wait.js';

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
});
