import { connect as connectTcp, type Socket as TcpSocket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { Message } from 'socketkit/protocol';
import { startServer, type TestServer } from '../support/server.js';
import { emitAck, once, waitFor } from '../support/wait.js';

/** `net.Socket#_writeGeneric(writev, data, encoding, callback)`: every write of a TCP socket goes through it. */
type WriteGeneric = (writev: boolean, data: unknown, ...rest: unknown[]) => unknown;

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
    // What the server hands the kernel for each accepted connection: one entry per write.
    const writes: string[][] = [];
    server.httpServer.on('connection', (tcp: TcpSocket & { _writeGeneric: WriteGeneric }) => {
      const own: string[] = [];
      writes.push(own);
      const write = tcp._writeGeneric;
      tcp._writeGeneric = function (this: unknown, writev, data, ...rest) {
        const chunks = writev ? (data as { chunk: unknown }[]).map((c) => c.chunk) : [data];
        own.push(chunks.map((c) => (Buffer.isBuffer(c) ? c.toString('latin1') : String(c))).join(''));
        return write.call(this, writev, data, ...rest);
      };
    });
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
