import { afterEach, describe, expect, it } from 'vitest';
import type { Message, RealtimeClient } from 'socketkit';
import { createTracer } from '../../src/core/trace.js';
import { createConnection } from '../../src/core/connection.js';
import { createEventBus } from '../../src/core/event-bus.js';
import type { HandshakeAnswer } from '../../src/core/connection-machine.js';
import { fakeClient, flush, FakeSocket } from './fake-socket.js';

let client: RealtimeClient | undefined;
afterEach(() => client?.destroy());

const msg = (seq: number): Message => ({ id: `m${seq}`, seq, conversationId: 'c1', senderId: 'bob', content: `hello ${seq}`, createdAt: new Date(seq * 1000).toISOString(), clientMessageId: `cm-${seq}` });

describe('the handshake answer, handed to each part that reads it', () => {
  it('hands the same answer to every subscriber, in either order of registration, once connected and before the lifecycle event', async () => {
    for (const order of ['first', 'last'] as const) {
      const socket = new FakeSocket();
      const report = () => {};
      const serverEvents = createEventBus<Record<string, unknown>>(report);
      socket.onAny((event, payload) => serverEvents.emit(event, payload));
      const link = { down: () => {}, changed: () => {}, handshakeFields: () => ({}) };
      const connection = createConnection(socket, { url: 'http://fake', token: 't' }, serverEvents, link, report, createTracer(report));
      const heard: { who: string; status: string; answer: HandshakeAnswer }[] = [];
      const listen = (who: string) => connection.onEstablished((answer) => heard.push({ who, status: connection.connection.getSnapshot().status, answer }));
      if (order === 'first') listen('a');
      connection.onLifecycle('connected', () => heard.push({ who: 'lifecycle', status: '', answer: null! }));
      listen('b');
      if (order === 'last') listen('a');
      connection.connect();
      await flush();
      socket.accept('me', { storeId: 'store-1', presence: { ok: true, users: [] } });
      const expected = expect.objectContaining({ userId: 'me', storeId: 'store-1', presence: { ok: true, users: [] } });
      expect(heard.filter((h) => h.who !== 'lifecycle')).toEqual([
        { who: order === 'first' ? 'a' : 'b', status: 'connected', answer: expected },
        { who: order === 'first' ? 'b' : 'a', status: 'connected', answer: expected },
      ]);
      expect(heard.at(-1)?.who).toBe('lifecycle');
      connection.destroy();
    }
  });

  it('one answer with another storeId and the presence answer: the rooms reload and presence is applied, both before `reconnected`', async () => {
    const made = fakeClient();
    client = made.client;
    const { socket } = made;
    client.presence.watch('bob');
    client.connect();
    await flush();
    socket.accept('me', { storeId: 'store-1', presence: { ok: true, users: [{ userId: 'bob', online: false }] } });
    const room = client.conversation('c1');
    room.join();
    await flush();
    socket.reply('conversation:join', { ok: true, conversationId: 'c1', room: 'conversation:c1', participantIds: ['me', 'bob'], lastSeq: 2 });
    await flush();
    socket.reply('conversation:history', { ok: true, messages: [msg(1), msg(2)], hasMore: false });
    await flush();
    const subscribesBefore = socket.of('presence:subscribe').length;
    socket.drop();
    client.reconnect();
    await flush();
    let atReconnected: unknown;
    client.onLifecycle('reconnected', () => (atReconnected = { bob: client!.presence.get('bob'), userId: client!.connection.getSnapshot().userId }));
    socket.accept('me', { storeId: 'store-2', presence: { ok: true, users: [{ userId: 'bob', online: true, since: 'T2' }] } });
    expect(atReconnected).toEqual({ bob: { online: true, since: 'T2', lastSeen: null }, userId: 'me' });
    await flush();
    socket.reply('conversation:join', { ok: true, conversationId: 'c1', room: 'conversation:c1', participantIds: ['me', 'bob'], lastSeq: 1 });
    await flush();
    // Another store: what the client held is not the server's; it reloads the newest page.
    expect(room.getSnapshot().messages).toEqual([]);
    expect(socket.of('conversation:history').at(-1)?.payload).toEqual({ conversationId: 'c1' });
    socket.reply('conversation:history', { ok: true, messages: [{ ...msg(1), content: 'new store' }], hasMore: false });
    await flush();
    expect(room.getSnapshot().messages.map((m) => m.content)).toEqual(['new store']);
    expect(socket.of('presence:subscribe')).toHaveLength(subscribesBefore); // the handshake covered every watched id
  });
});
