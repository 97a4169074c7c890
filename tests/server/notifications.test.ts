import { afterEach, describe, expect, it } from 'vitest';
import type { Notification } from 'socketkit/protocol';
import { startServer, type TestServer } from '../support/server.js';
import { collect, emitAck, once } from '../support/wait.js';

let server: TestServer;
afterEach(async () => {
  await server?.cleanup();
});

describe('notifications', () => {
  it('sendToUser reaches every tab of that user and nobody else', async () => {
    server = await startServer();
    const tabs = await Promise.all([server.connect('alice'), server.connect('alice'), server.connect('alice')]);
    const bob = await server.connect('bob');
    const bobHeard = collect(bob, 'notification:new');
    const received = Promise.all(tabs.map((t) => once<Notification>(t, 'notification:new')));
    const notification: Notification = { id: 'n1', title: 'Hello', body: 'World', createdAt: new Date().toISOString() };
    expect(server.socketkit.sendToUser('alice', 'notification:new', notification)).toBe(3);
    expect(await received).toEqual([notification, notification, notification]);
    await emitAck(bob, 'presence:list');
    expect(bobHeard.events).toEqual([]);
  });

  it('POST /api/notifications delivers notification:new to every tab', async () => {
    server = await startServer();
    const tabs = await Promise.all([server.connect('bob'), server.connect('bob')]);
    const received = Promise.all(tabs.map((t) => once<Notification>(t, 'notification:new')));
    const res = await fetch(`${server.url}/api/notifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token('alice')}` },
      body: JSON.stringify({ userId: 'bob', title: 'Review', body: 'PR #42 needs you', link: '/prs/42' }),
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { notification: Notification; delivered: number };
    expect(body.delivered).toBe(2);
    expect(body.notification).toMatchObject({ title: 'Review', body: 'PR #42 needs you', link: '/prs/42' });
    const [first, second] = await received;
    expect(first).toEqual(body.notification);
    expect(second).toEqual(body.notification);
  });

  it('broadcastToConversation reaches the room, except a given socket', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    const bob = await server.connect('bob');
    await emitAck(alice, 'conversation:join', 'alice-bob');
    await emitAck(bob, 'conversation:join', 'alice-bob');
    const aliceHeard = collect(alice, 'conversation:updated');
    const toBob = once(bob, 'conversation:updated');
    server.socketkit.broadcastToConversation('alice-bob', 'conversation:updated', { id: 'alice-bob' }, { exceptSocketId: alice.id });
    expect(await toBob).toEqual({ id: 'alice-bob' });
    await emitAck(alice, 'presence:list');
    expect(aliceHeard.events).toEqual([]);
  });
});
