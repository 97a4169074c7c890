import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from 'socketkit/protocol';
import { startServer, type TestServer } from '../support/server.js';
import { collect, emitAck, once, waitFor } from '../support/wait.js';

let server: TestServer;
afterEach(async () => {
  await server?.cleanup();
});

/** Cuts the transport under a socket so the client reconnects and asks for recovery. */
function cutTransport(socket: { io: { engine: { close(): void } } }): void {
  socket.io.engine.close();
}

describe('connection state recovery (opt-in)', () => {
  it('a recovered socket keeps its rooms and its bookkeeping', async () => {
    server = await startServer({ connectionStateRecovery: true });
    const alice = await server.connect('alice', { reconnection: true, reconnectionDelay: 10 });
    const bob = await server.connect('bob');
    await emitAck(alice, 'conversation:join', 'alice-bob');
    const reconnected = once(alice, 'connect', 5000);
    cutTransport(alice);
    await reconnected;
    expect(alice.recovered).toBe(true);

    const incoming = once<Message>(alice, 'message:new');
    await emitAck(bob, 'message:send', { conversationId: 'alice-bob', content: 'after recovery', clientMessageId: 'r1' });
    expect((await incoming).content).toBe('after recovery');

    // Leave still works: the server rebuilt what the socket had joined.
    await waitFor(async () => {
      await emitAck(alice, 'conversation:leave', 'alice-bob');
      return !server.io.sockets.adapter.rooms.get('conversation:alice-bob')?.has(alice.id as string);
    });
    const heard = collect(alice, 'message:new');
    await emitAck(bob, 'message:send', { conversationId: 'alice-bob', content: 'after leave', clientMessageId: 'r2' });
    await emitAck(alice, 'presence:list');
    expect(heard.events).toEqual([]);
  });

  it('authenticates a recovering socket again: a token that expired meanwhile is refused', async () => {
    server = await startServer({ connectionStateRecovery: true });
    const alice = await server.connect('alice', { reconnection: true, reconnectionDelay: 10, reconnectionAttempts: 1 });
    alice.auth = { token: server.signToken({ userId: 'alice' }, { expiresInS: -60 }) };
    const refused = once<Error & { data?: { code: string } }>(alice, 'connect_error', 5000);
    cutTransport(alice);
    expect((await refused).data).toEqual({ code: 'TOKEN_EXPIRED' });
    expect(alice.connected).toBe(false);
  });
});
