import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import { connect as connectTcp, type AddressInfo, type Socket as TcpSocket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { afterEach, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import type { ConnectionEstablishedPayload, Message } from 'socketkit/protocol';
import { createSocketkitServer } from 'socketkit/server';
import { createEmbeddedStore } from 'socketkit/server/embedded';
import { startServer, TEST_SECRET, type TestServer } from '../support/server.js';
import { emitAck, once, waitFor } from '../support/wait.js';

/** `net.Socket#_writeGeneric(writev, data, encoding, callback)`: every write of a TCP socket goes through it. */
type WriteGeneric = (writev: boolean, data: unknown, ...rest: unknown[]) => unknown;

/** What `http` hands the kernel for each accepted connection, in order: one entry per write, as text. */
function recordWrites(http: HttpServer): string[][] {
  const writes: string[][] = [];
  http.on('connection', (tcp: TcpSocket & { _writeGeneric: WriteGeneric }) => {
    const own: string[] = [];
    writes.push(own);
    const write = tcp._writeGeneric;
    tcp._writeGeneric = function (this: unknown, writev, data, ...rest) {
      const chunks = writev ? (data as { chunk: unknown }[]).map((c) => c.chunk) : [data];
      own.push(chunks.map((c) => (Buffer.isBuffer(c) ? c.toString('latin1') : String(c))).join(''));
      return write.call(this, writev, data, ...rest);
    };
  });
  return writes;
}

let server: TestServer;
afterEach(async () => {
  await server?.cleanup();
});

describe('transports', () => {
  it('works over HTTP long-polling only', async () => {
    server = await startServer();
    const polling: Socket = await server.connect('alice', { transports: ['polling'] });
    expect(polling.io.engine.transport.name).toBe('polling');
    const bob = await server.connect('bob');
    await emitAck(polling, 'conversation:join', 'alice-bob');
    const incoming = once<Message>(polling, 'message:new');
    await emitAck(bob, 'message:send', { conversationId: 'alice-bob', content: 'over polling', clientMessageId: 'p1' });
    expect((await incoming).content).toBe('over polling');
    expect(await emitAck(polling, 'message:send', { conversationId: 'alice-bob', content: 'back', clientMessageId: 'p2' })).toMatchObject({ ok: true });
  });

  it('packets sent to one socket in one turn (written together) arrive complete and in order, and later ones still flow', async () => {
    server = await startServer();
    for (const transports of [['websocket'], ['polling']]) {
      const alice = await server.connect('alice', { transports });
      const received: number[] = [];
      alice.on('notification:new', (n: { id: string }) => received.push(Number(n.id)));
      const burst = (from: number) => {
        for (let i = from; i < from + 200; i++) {
          server.socketkit.sendToUser('alice', 'notification:new', { id: String(i), title: 't', body: 'b', createdAt: new Date().toISOString() });
        }
      };
      burst(0);
      await waitFor(() => received.length === 200);
      burst(200);
      await waitFor(() => received.length === 400);
      expect(received).toEqual(Array.from({ length: 400 }, (_, i) => i));
      expect(await emitAck(alice, 'presence:list')).toMatchObject({ ok: true });
      alice.disconnect();
    }
  });

  it('a WebSocket upgrade’s 101 reply and engine.io’s open packet leave in one write (one system call)', async () => {
    server = await startServer();
    const writes = recordWrites(server.httpServer);
    const alice = await server.connect('alice');
    expect(writes).toHaveLength(1);
    const first = writes[0]?.[0] ?? '';
    expect(first.startsWith('HTTP/1.1 101 Switching Protocols')).toBe(true);
    expect(first).toContain('0{"sid":');
    // The CONNECT reply and connection:established: one more write.
    expect(writes[0]?.[1]).toContain('40{"sid":');
    expect(writes[0]?.[1]).toContain('connection:established');
    expect(await emitAck(alice, 'presence:list')).toMatchObject({ ok: true });
  });

  it('with a store that answers after a query (the embedded store), the CONNECT reply and connection:established with the handshake’s watches still leave in one write', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'socketkit-one-write-'));
    const store = await createEmbeddedStore({ dataDir });
    const http = createServer();
    const socketkit = createSocketkitServer(http, { secret: TEST_SECRET, store, quiet: true });
    const sockets: Socket[] = [];
    try {
      await store.createConversation({ participantIds: ['alice', 'bob'], title: null, createdBy: 'alice' });
      // Warm: the first statements of a new PGlite compile for a while, and past STORE_WAIT_BEFORE_CONNECT_MS
      // (a loaded machine) the CONNECT would be answered without waiting for them.
      await Promise.all([store.upsertUser({ id: 'alice' }), store.listContacts('alice'), store.getStoreId()]);
      const writes = recordWrites(http);
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
      const open = async (userId: string, auth: Record<string, unknown>) => {
        const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: jwt.sign({ userId }, TEST_SECRET, { expiresIn: 60 }), ...auth } });
        sockets.push(socket);
        return new Promise<ConnectionEstablishedPayload>((resolve, reject) => {
          socket.once('connection:established', resolve);
          socket.once('connect_error', reject);
        });
      };
      await open('bob', {});
      // The store id and whom alice may see (the default policy: a shared conversation) are queries.
      const established = await open('alice', { protocol: '1.1', presence: ['bob'] });
      expect(established.presence).toEqual({ ok: true, users: [{ userId: 'bob', online: true, since: expect.any(String) }] });
      const alices = writes[1] ?? [];
      expect(alices[0]?.startsWith('HTTP/1.1 101 Switching Protocols')).toBe(true);
      expect(alices[1]).toContain('40{"sid":');
      expect(alices[1]).toContain('connection:established');
      expect(alices[1]).toContain('"presence":{"ok":true');
    } finally {
      for (const socket of sockets) socket.disconnect();
      await socketkit.close();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);

  it('a refused WebSocket upgrade (unknown session) still gets its 400 reply', async () => {
    server = await startServer();
    const { port } = new URL(server.url);
    const tcp = connectTcp(Number(port), '127.0.0.1');
    try {
      const reply = new Promise<string>((resolve, reject) => {
        let text = '';
        tcp.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
        tcp.once('close', () => resolve(text));
        tcp.once('error', reject);
      });
      tcp.write(
        [
          'GET /socket.io/?EIO=4&transport=websocket&sid=no-such-session HTTP/1.1',
          'Host: 127.0.0.1',
          'Upgrade: websocket',
          'Connection: Upgrade',
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
          'Sec-WebSocket-Version: 13',
          '',
          '',
        ].join('\r\n'),
      );
      expect(await reply).toMatch(/^HTTP\/1\.1 400 /);
    } finally {
      tcp.destroy();
    }
  });

  it('uses the protocol’s heartbeat (25 s / 60 s) and a 1 MB packet limit', async () => {
    server = await startServer();
    const opts = server.io.engine.opts;
    expect([opts.pingInterval, opts.pingTimeout, opts.maxHttpBufferSize]).toEqual([25_000, 60_000, 1_000_000]);
    expect(server.io.path()).toBe('/socket.io');
  });

  it('upgrades from polling to websocket with the default client transports', async () => {
    server = await startServer();
    const socket = await server.connect('alice', { transports: ['polling', 'websocket'] });
    await waitFor(() => socket.io.engine.transport.name === 'websocket', { timeoutMs: 3000 });
    expect(await emitAck(socket, 'presence:list')).toMatchObject({ ok: true });
  });
});
