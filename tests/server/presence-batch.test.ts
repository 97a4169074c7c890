import type { Server } from 'socket.io';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PresenceChangesPayload, UserOfflinePayload, UserOnlinePayload } from 'socketkit/protocol';
import { createMemoryStore } from 'socketkit/server';
import { PRESENCE_BATCH_ROOM, PresenceAnnouncer } from '../../src/server/presence/presence.js';
import { startServer, type TestServer } from '../support/server.js';
import { collect, emitAck, waitFor } from '../support/wait.js';

let server: TestServer;
afterEach(async () => {
  await server?.cleanup();
});

/** A socket of `userId` that negotiates protocol `protocol` in the handshake. */
const connectWith = (userId: string, protocol: unknown) =>
  server.connect(userId, { auth: { token: server.token(userId), protocol } });

describe('presence:changes (protocol v1.1, negotiated in the handshake)', () => {
  it('a v1.1 socket gets the changes of one window in one packet; a v1 socket watching the same users gets user:online/user:offline', async () => {
    server = await startServer({ seed: 'none', presenceBatchMs: 200 });
    const batched = await connectWith('alice', '1.1');
    const legacy = await server.connect('erin');
    for (const watcher of [batched, legacy]) await emitAck(watcher, 'presence:subscribe', { userIds: ['bob', 'carol'] });
    const batches = collect<PresenceChangesPayload>(batched, 'presence:changes');
    const batchedV1 = [collect(batched, 'user:online'), collect(batched, 'user:offline')];
    const online = collect<UserOnlinePayload>(legacy, 'user:online');
    const offline = collect<UserOfflinePayload>(legacy, 'user:offline');
    const legacyBatches = collect(legacy, 'presence:changes');

    await Promise.all([server.connect('bob'), server.connect('carol')]);
    await waitFor(() => batches.events.length === 1 && online.events.length === 2);
    expect(batches.events[0]?.changes).toEqual([
      { userId: expect.any(String), online: true, at: expect.any(String) },
      { userId: expect.any(String), online: true, at: expect.any(String) },
    ]);
    expect(batches.events[0]?.changes.map((c) => c.userId).sort()).toEqual(['bob', 'carol']);
    expect(online.events.map((e) => e.userId).sort()).toEqual(['bob', 'carol']);

    await emitAck(batched, 'presence:list');
    await emitAck(legacy, 'presence:list');
    expect(batchedV1.map((c) => c.events.length)).toEqual([0, 0]);
    expect(legacyBatches.events).toEqual([]);
    expect(offline.events).toEqual([]);
  });

  it('coalesces: a user who comes and goes inside one window is sent once, as its latest state', async () => {
    server = await startServer({ seed: 'none', presenceBatchMs: 300 });
    const batched = await connectWith('alice', '1.1');
    await emitAck(batched, 'presence:subscribe', { userIds: ['bob'] });
    const batches = collect<PresenceChangesPayload>(batched, 'presence:changes');
    const bob = await server.connect('bob');
    bob.disconnect();
    await waitFor(() => !server.socketkit.isUserOnline('bob'));
    await waitFor(() => batches.events.length === 1, { timeoutMs: 2000 });
    expect(batches.events[0]?.changes).toEqual([{ userId: 'bob', online: false, lastSeen: expect.any(String) }]);
    await emitAck(batched, 'presence:list');
    expect(batches.events).toHaveLength(1);
  });

  it('carries the changes owed through a joined conversation, each user once across rooms', async () => {
    server = await startServer({ presenceBatchMs: 100 });
    const batched = await connectWith('alice', '1.1');
    await emitAck(batched, 'presence:subscribe', { userIds: ['carol'] });
    await emitAck(batched, 'conversation:join', 'general');
    await emitAck(batched, 'conversation:join', 'design');
    const batches = collect<PresenceChangesPayload>(batched, 'presence:changes');
    await Promise.all([server.connect('carol'), server.connect('dave'), server.connect('frank')]);
    await waitFor(() => batches.events.flatMap((b) => b.changes).length >= 3);
    await emitAck(batched, 'presence:list');
    const users = batches.events.flatMap((b) => b.changes.map((c) => c.userId));
    expect(users.sort()).toEqual(['carol', 'dave', 'frank']);
  });

  it('not negotiated (no protocol, 1.0, 2.1, a number, garbage): v1 events only', async () => {
    server = await startServer({ seed: 'none', presenceBatchMs: 50 });
    const watchers = await Promise.all([
      server.connect('w0'),
      connectWith('w1', '1.0'),
      connectWith('w2', '2.1'),
      connectWith('w3', 1.1),
      connectWith('w4', 'x.y'),
    ]);
    for (const watcher of watchers) await emitAck(watcher, 'presence:subscribe', { userIds: ['bob'] });
    const heard = watchers.map((w) => collect<UserOnlinePayload>(w, 'user:online'));
    const batches = watchers.map((w) => collect(w, 'presence:changes'));
    await server.connect('bob');
    await waitFor(() => heard.every((h) => h.events.length === 1));
    await Promise.all(watchers.map((w) => emitAck(w, 'presence:list')));
    expect(heard.map((h) => h.events.map((e) => e.userId))).toEqual(watchers.map(() => ['bob']));
    expect(batches.map((b) => b.events.length)).toEqual([0, 0, 0, 0, 0]);
  });

  it('presenceBatchMs: 0 turns batching off: a v1.1 socket gets v1 events', async () => {
    server = await startServer({ seed: 'none', presenceBatchMs: 0 });
    const watcher = await connectWith('alice', '1.1');
    await emitAck(watcher, 'presence:subscribe', { userIds: ['bob'] });
    const heard = collect<UserOnlinePayload>(watcher, 'user:online');
    const batches = collect(watcher, 'presence:changes');
    await server.connect('bob');
    await waitFor(() => heard.events.length === 1);
    await emitAck(watcher, 'presence:list');
    expect(batches.events).toEqual([]);
  });

  it('a socket that leaves with changes pending is skipped; the other watchers still get theirs', async () => {
    server = await startServer({ seed: 'none', presenceBatchMs: 200 });
    const leaving = await connectWith('alice', '1.1');
    const staying = await connectWith('erin', '1.1');
    for (const watcher of [leaving, staying]) await emitAck(watcher, 'presence:subscribe', { userIds: ['bob'] });
    const batches = collect<PresenceChangesPayload>(staying, 'presence:changes');
    await server.connect('bob');
    leaving.disconnect();
    await waitFor(() => batches.events.length === 1);
    expect(batches.events[0]?.changes).toEqual([{ userId: 'bob', online: true, at: expect.any(String) }]);
    expect(server.socketkit.isUserOnline('alice')).toBe(false);
  });
});

describe('a batch window whose timer is starved', () => {
  it('is sent when the next change is queued after the window ended, with both changes, once', async () => {
    // The announcer alone, over the two maps it reads (rooms and sockets): the
    // point is a window that ends while its timer cannot run, which a real
    // server in this test process cannot be made to do reliably.
    const emitted: unknown[] = [];
    const rooms = new Map([
      ['presence:bob', new Set(['s1'])],
      ['presence:carol', new Set(['s1'])],
      [PRESENCE_BATCH_ROOM, new Set(['s1'])],
    ]);
    const sockets = new Map([['s1', { emit: (event: string, payload: unknown) => emitted.push([event, payload]) }]]);
    const io = { sockets: { adapter: { rooms }, sockets } } as unknown as Server;
    const announcer = new PresenceAnnouncer(io, {
      store: createMemoryStore(),
      logger: { info: () => {}, warn: () => {}, error: () => {} },
      local: true,
      batchMs: 50,
    });
    const clock = vi.spyOn(performance, 'now');
    try {
      clock.mockReturnValue(1_000);
      announcer.announce({ userId: 'bob', online: true, at: 'T1' });
      expect(emitted).toEqual([]);
      clock.mockReturnValue(1_060); // 60 ms later, and the 50 ms timer has not run
      announcer.announce({ userId: 'carol', online: true, at: 'T2' });
      expect(emitted).toEqual([
        ['presence:changes', { changes: [{ userId: 'bob', online: true, at: 'T1' }, { userId: 'carol', online: true, at: 'T2' }] }],
      ]);
    } finally {
      clock.mockRestore();
    }
    // The window's own timer finds nothing left to send.
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(emitted).toHaveLength(1);
    announcer.close();
  });
});
