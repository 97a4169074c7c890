import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { Message } from 'socketkit/protocol';
import { startServer, type TestServer } from '../support/server.js';
import { emitAck, once, waitFor } from '../support/wait.js';

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
