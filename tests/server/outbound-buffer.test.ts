/**
 * Issue 9 #5: a client that stops reading its TCP socket (a frozen tab, a
 * stalled mobile link) must not grow the server's memory without bound.
 * Real server, real socket.io-client whose TCP socket is paused.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import type { Socket as NetSocket } from 'node:net';
import { createRealtimeClient, type RealtimeClient } from 'socketkit';
import { conversationRoom } from 'socketkit/protocol';
import { DEFAULT_MAX_OUTBOUND_BUFFER_BYTES } from '../../src/server/socket/outbound-buffer.js';
import { startServer, type TestServer } from '../support/server.js';
import { emitAck, waitFor } from '../support/wait.js';

let server: TestServer;
const clients: RealtimeClient[] = [];
afterEach(async () => {
  clients.splice(0).forEach((client) => client.destroy());
  await server.cleanup();
});

/** The TCP socket under a connected socket.io-client websocket. */
const tcpOf = (socket: Socket): NetSocket => (socket.io.engine.transport as unknown as { ws: { _socket: NetSocket } }).ws._socket;

/** 64 KB packets to the room, yielding between them so the server writes as a busy one would. */
async function flood(room: string, megabytes: number, until: () => boolean): Promise<number> {
  const chunk = 'x'.repeat(64 * 1024);
  let sent = 0;
  while (sent < megabytes * 16 && !until()) {
    server.io.to(room).emit('filler', chunk);
    sent++;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return sent;
}

describe('bounded outbound buffer per socket', () => {
  it('disconnects a client that stops reading once its buffer passes the bound; others are not affected', async () => {
    server = await startServer();
    const slow = await server.connect('alice', { transports: ['websocket'] });
    const fast = await server.connect('bob', { transports: ['websocket'] });
    await emitAck(slow, 'conversation:join', 'general');
    await emitAck(fast, 'conversation:join', 'general');
    let fastReceived = 0;
    fast.on('filler', () => fastReceived++);
    const serverSide = server.io.sockets.sockets.get(slow.id!)!;
    let reason: string | null = null;
    serverSide.on('disconnect', (why) => (reason = why));

    tcpOf(slow).pause(); // stops reading: the kernel buffers fill, then the server's
    const sent = await flood(conversationRoom('general'), 64, () => reason !== null);
    expect(reason).toBe('server namespace disconnect');
    // Well before 64 MB: the bound (1 MiB) plus what the operating system buffers.
    expect(sent * 64 * 1024).toBeLessThan(48 * 1024 * 1024);
    expect(fast.connected).toBe(true);
    await waitFor(() => fastReceived === sent, { message: 'the reading client got every packet' });
    expect(DEFAULT_MAX_OUTBOUND_BUFFER_BYTES).toBe(1024 * 1024);
  }, 30_000);

  it('the socketkit client of a stalled link reconnects after the disconnect and catches up by seq, losing nothing', async () => {
    server = await startServer();
    let raw!: Socket;
    const alice = createRealtimeClient({
      url: server.url,
      getToken: () => server.token('alice'),
      reconnection: { initialDelayMs: 50, maxDelayMs: 250, maxAttempts: Infinity },
      logger: { warn: () => {}, error: () => {} },
      socketOptions: { transports: ['websocket'] },
      createSocket: (url, options) => (raw = io(url, options)),
    });
    clients.push(alice);
    const room = alice.conversation('general');
    room.join();
    await waitFor(() => room.getSnapshot().status === 'joined');
    const before = room.getSnapshot().messages.length;
    const bob = await server.connect('bob', { transports: ['websocket'] });
    await emitAck(bob, 'conversation:join', 'general');

    const firstSocketId = raw.id!;
    const serverSide = server.io.sockets.sockets.get(firstSocketId)!;
    let reason: string | null = null;
    serverSide.on('disconnect', (why) => (reason = why));
    const tcp = tcpOf(raw);
    tcp.pause();
    for (const content of ['while stalled 1', 'while stalled 2']) await emitAck(bob, 'message:send', { conversationId: 'general', content, clientMessageId: content });
    await flood(conversationRoom('general'), 64, () => reason !== null);
    expect(reason).toBe('server namespace disconnect');
    await emitAck(bob, 'message:send', { conversationId: 'general', content: 'after the disconnect', clientMessageId: 'after' });
    tcp.resume(); // the tab wakes up: it reads what was buffered, sees the close and reconnects
    await waitFor(() => raw.id !== undefined && raw.id !== firstSocketId && alice.connection.getSnapshot().status === 'connected', { timeoutMs: 10_000 });
    await waitFor(() => room.getSnapshot().messages.length === before + 3, { timeoutMs: 10_000, message: 'caught up' });
    expect(room.getSnapshot().messages.slice(-3).map((m) => m.content)).toEqual(['while stalled 1', 'while stalled 2', 'after the disconnect']);
  }, 30_000);
});
