import { afterEach, describe, expect, it } from 'vitest';
import type { Ack, PresenceListResult, PresenceSubscribeResult, UserOfflinePayload, UserOnlinePayload } from 'socketkit/protocol';
import { startServer, type TestServer } from '../support/server.js';
import { collect, emitAck, once, waitFor } from '../support/wait.js';

let server: TestServer;
afterEach(async () => {
  await server?.cleanup();
});

type SubscribeAck = Ack<PresenceSubscribeResult>;

describe('scoped presence', () => {
  it('presence:subscribe answers the current state of each user', async () => {
    server = await startServer({ seed: 'none' });
    const alice = await server.connect('alice');
    await server.connect('bob');
    const ack = await emitAck<SubscribeAck>(alice, 'presence:subscribe', { userIds: ['bob', 'carol', 'bob'] });
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    expect(ack.users).toHaveLength(2);
    expect(ack.users[0]).toMatchObject({ userId: 'bob', online: true });
    expect(typeof ack.users[0]?.since).toBe('string');
    expect(ack.users[1]).toEqual({ userId: 'carol', online: false });
  });

  it('a watcher hears user:online and user:offline; a non-watcher hears nothing', async () => {
    server = await startServer({ seed: 'none' });
    const watcher = await server.connect('alice');
    const bystander = await server.connect('erin');
    const heardByBystander = [collect(bystander, 'user:online'), collect(bystander, 'user:offline')];
    await emitAck(watcher, 'presence:subscribe', { userIds: ['bob'] });

    const online = once<UserOnlinePayload>(watcher, 'user:online');
    const bob = await server.connect('bob');
    expect((await online).userId).toBe('bob');

    const offline = once<UserOfflinePayload>(watcher, 'user:offline');
    bob.disconnect();
    const payload = await offline;
    expect(payload.userId).toBe('bob');
    expect(Number.isNaN(Date.parse(payload.lastSeen))).toBe(false);

    // The bystander's own round trip proves earlier events would have arrived by now.
    await emitAck(bystander, 'presence:list');
    expect(heardByBystander.map((c) => c.events.length)).toEqual([0, 0]);
  });

  it('after presence:unsubscribe the socket hears no more', async () => {
    server = await startServer({ seed: 'none' });
    const watcher = await server.connect('alice');
    await emitAck(watcher, 'presence:subscribe', { userIds: ['bob'] });
    // Subscribing twice is idempotent: one unsubscribe releases it.
    await emitAck(watcher, 'presence:subscribe', { userIds: ['bob'] });
    const ack = await emitAck<Ack>(watcher, 'presence:unsubscribe', { userIds: ['bob'] });
    expect(ack).toEqual({ ok: true });
    const heard = collect(watcher, 'user:online');
    await server.connect('bob');
    await emitAck(watcher, 'presence:list');
    expect(heard.events).toEqual([]);
  });

  it('a user with several tabs stays online until the last tab closes', async () => {
    server = await startServer({ seed: 'none' });
    const watcher = await server.connect('alice');
    await emitAck(watcher, 'presence:subscribe', { userIds: ['bob'] });
    const onlineEvents = collect<UserOnlinePayload>(watcher, 'user:online');
    const offlineEvents = collect<UserOfflinePayload>(watcher, 'user:offline');
    const tab1 = await server.connect('bob');
    const tab2 = await server.connect('bob');
    await waitFor(() => onlineEvents.events.length === 1);

    tab1.disconnect();
    await waitFor(() => server.io.sockets.sockets.size === 2);
    expect(server.socketkit.isUserOnline('bob')).toBe(true);
    await emitAck(watcher, 'presence:list');
    expect(offlineEvents.events).toEqual([]);

    tab2.disconnect();
    await waitFor(() => offlineEvents.events.length === 1);
    expect(server.socketkit.isUserOnline('bob')).toBe(false);
    expect(onlineEvents.events).toHaveLength(1);
  });

  it('the grace period absorbs a reload: no offline/online pair', async () => {
    server = await startServer({ seed: 'none', presenceGraceMs: 300 });
    const watcher = await server.connect('alice');
    await emitAck(watcher, 'presence:subscribe', { userIds: ['bob'] });
    const firstOnline = once(watcher, 'user:online');
    const first = await server.connect('bob');
    await firstOnline;
    const heard = [collect(watcher, 'user:offline'), collect(watcher, 'user:online')];
    first.disconnect();
    await waitFor(() => server.io.sockets.sockets.size === 1);
    expect(server.socketkit.isUserOnline('bob')).toBe(true);
    await server.connect('bob');
    const afterGrace = Date.now() + 400;
    await waitFor(() => Date.now() > afterGrace, { timeoutMs: 1000 });
    await emitAck(watcher, 'presence:list');
    expect(heard.map((c) => c.events.length)).toEqual([0, 0]);
  });

  it('the grace period ends with user:offline when nobody comes back', async () => {
    server = await startServer({ seed: 'none', presenceGraceMs: 150 });
    const watcher = await server.connect('alice');
    await emitAck(watcher, 'presence:subscribe', { userIds: ['bob'] });
    const bob = await server.connect('bob');
    const offline = once<UserOfflinePayload>(watcher, 'user:offline', 2000);
    const leftAt = Date.now();
    bob.disconnect();
    await offline;
    expect(Date.now() - leftAt).toBeGreaterThanOrEqual(140);
    expect((await emitAck<SubscribeAck>(watcher, 'presence:subscribe', { userIds: ['bob'] }))).toMatchObject({
      ok: true,
      users: [{ userId: 'bob', online: false, lastSeen: expect.any(String) }],
    });
  });

  it('joining a conversation watches its participants; leaving stops it', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    const outsider = await server.connect('erin');
    await emitAck(alice, 'conversation:join', 'design');
    const outsiderHeard = collect(outsider, 'user:online');

    const online = once<UserOnlinePayload>(alice, 'user:online');
    const carol = await server.connect('carol');
    expect((await online).userId).toBe('carol');

    await emitAck(alice, 'conversation:leave', 'design');
    const heard = collect(alice, 'user:offline');
    carol.disconnect();
    await waitFor(() => !server.socketkit.isUserOnline('carol'));
    await emitAck(alice, 'presence:list');
    await emitAck(outsider, 'presence:list');
    expect(heard.events).toEqual([]);
    expect(outsiderHeard.events).toEqual([]);
  });

  it('an explicit subscription survives leaving a conversation that also watched the user', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    await emitAck(alice, 'presence:subscribe', { userIds: ['carol'] });
    await emitAck(alice, 'conversation:join', 'design');
    await emitAck(alice, 'conversation:leave', 'design');
    const online = once<UserOnlinePayload>(alice, 'user:online');
    await server.connect('carol');
    expect((await online).userId).toBe('carol');
  });

  it('a joined conversation costs no presence room per participant: its room carries their changes', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    await emitAck(alice, 'conversation:join', 'general');
    const rooms = server.io.sockets.adapter.rooms;
    const presenceRooms = [...rooms.keys()].filter((room) => room.startsWith('presence:'));
    expect(presenceRooms).toEqual([]);
    const online = once<UserOnlinePayload>(alice, 'user:online');
    await server.connect('frank');
    expect((await online).userId).toBe('frank');
  });

  it('a user watched explicitly and through two joined conversations hears each change once', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    await emitAck(alice, 'presence:subscribe', { userIds: ['carol'] });
    // carol takes part in both `general` and `design`.
    await emitAck(alice, 'conversation:join', 'general');
    await emitAck(alice, 'conversation:join', 'design');
    const onlineEvents = collect<UserOnlinePayload>(alice, 'user:online');
    const offlineEvents = collect<UserOfflinePayload>(alice, 'user:offline');
    const carol = await server.connect('carol');
    await waitFor(() => onlineEvents.events.length > 0);
    carol.disconnect();
    await waitFor(() => offlineEvents.events.length > 0);
    await emitAck(alice, 'presence:list');
    expect(onlineEvents.events.map((e) => e.userId)).toEqual(['carol']);
    expect(offlineEvents.events.map((e) => e.userId)).toEqual(['carol']);
  });

  it('leaving one of two conversations that share a participant keeps watching it through the other; leaving both stops', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    await emitAck(alice, 'conversation:join', 'general');
    await emitAck(alice, 'conversation:join', 'design');
    await emitAck(alice, 'conversation:leave', 'general');
    const online = once<UserOnlinePayload>(alice, 'user:online');
    const carol = await server.connect('carol');
    expect((await online).userId).toBe('carol');

    await emitAck(alice, 'conversation:leave', 'design');
    const heard = collect(alice, 'user:offline');
    carol.disconnect();
    await waitFor(() => !server.socketkit.isUserOnline('carol'));
    await emitAck(alice, 'presence:list');
    expect(heard.events).toEqual([]);

    // Joining again watches again.
    await emitAck(alice, 'conversation:join', 'design');
    const again = once<UserOnlinePayload>(alice, 'user:online');
    await server.connect('dave');
    expect((await again).userId).toBe('dave');
  });

  it('a conversation the watcher takes part in but did not join is not watched; joining it is', async () => {
    server = await startServer({ seed: 'none' });
    const alice = await server.connect('alice');
    const created = await emitAck<Ack<{ conversation: { id: string } }>>(alice, 'conversation:create', { participantIds: ['zoe'] });
    if (!created.ok) throw new Error('create failed');
    const heard = collect<UserOnlinePayload>(alice, 'user:online');
    const zoe1 = await server.connect('zoe');
    await emitAck(alice, 'presence:list');
    expect(heard.events).toEqual([]);
    zoe1.disconnect();
    await waitFor(() => !server.socketkit.isUserOnline('zoe'));
    await emitAck(alice, 'conversation:join', created.conversation.id);
    await server.connect('zoe');
    await waitFor(() => heard.events.length === 1);
    expect(heard.events[0]?.userId).toBe('zoe');
  });

  it('rejects more than 1,000 ids in one subscribe', async () => {
    server = await startServer({ seed: 'none' });
    const alice = await server.connect('alice');
    const userIds = Array.from({ length: 1001 }, (_, i) => `u${i}`);
    const ack = await emitAck<Ack>(alice, 'presence:subscribe', { userIds });
    expect(ack).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
  });
});

describe('presence:list', () => {
  it('pages through who is online, in id order, with hasMore', async () => {
    server = await startServer({ seed: 'none' });
    const ids = ['u1', 'u2', 'u3', 'u4', 'u5'];
    const [first] = await Promise.all(ids.map((id) => server.connect(id)));
    const page1 = await emitAck<Ack<PresenceListResult>>(first!, 'presence:list', { limit: 2 });
    expect(page1).toMatchObject({ ok: true, hasMore: true });
    if (!page1.ok) return;
    expect(page1.users.map((u) => u.userId)).toEqual(['u1', 'u2']);
    expect(typeof page1.users[0]?.since).toBe('string');
    const page2 = await emitAck<Ack<PresenceListResult>>(first!, 'presence:list', { limit: 2, cursor: 'u2' });
    const page3 = await emitAck<Ack<PresenceListResult>>(first!, 'presence:list', { limit: 2, cursor: 'u4' });
    expect(page2.ok && page2.users.map((u) => u.userId)).toEqual(['u3', 'u4']);
    expect(page3).toMatchObject({ ok: true, hasMore: false, users: [{ userId: 'u5' }] });
    const all = await emitAck<Ack<PresenceListResult>>(first!, 'presence:list');
    expect(all).toMatchObject({ ok: true, hasMore: false });
    expect(all.ok && all.users).toHaveLength(5);
    expect(server.socketkit.getActiveUserIds().sort()).toEqual(ids);
  });

  it('caps a page at 1,000', async () => {
    server = await startServer({ seed: 'none' });
    const alice = await server.connect('alice');
    const ack = await emitAck<Ack<PresenceListResult>>(alice, 'presence:list', { limit: 5000 });
    expect(ack).toMatchObject({ ok: true, users: [{ userId: 'alice' }], hasMore: false });
  });
});
