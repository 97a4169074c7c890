import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RealtimeError } from 'socketkit';
import { startServer, type TestServer } from '../support/server.js';
import { waitFor } from '../support/wait.js';
import { connected, disposeAll, joined, realClient, shown, status, stored } from './real-client.js';

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  disposeAll();
  await server.cleanup();
});

describe('against the real server', () => {
  it('connects, knows the user, and two users chat in a shared conversation', async () => {
    const alice = realClient(server, 'alice');
    const bob = realClient(server, 'bob');
    await connected(alice);
    expect(alice.connection.getSnapshot()).toMatchObject({ status: 'connected', userId: 'alice', attempt: 0, error: null });
    await joined(alice, 'alice-bob');
    await joined(bob, 'alice-bob');
    expect(shown(alice, 'alice-bob').contents).toEqual(['Hey Alice, do you have a minute?', 'Sure, what is up?', 'Can you review my pull request?']);

    const sent = await bob.conversation('alice-bob').send('Ping from Bob');
    expect(sent).toMatchObject({ status: 'sent', seq: 4, senderId: 'bob' });
    await waitFor(() => shown(alice, 'alice-bob').contents.at(-1) === 'Ping from Bob');
    await alice.conversation('alice-bob').send('Pong from Alice');
    await waitFor(() => shown(bob, 'alice-bob').contents.length === 5);
    for (const c of [alice, bob]) expect(shown(c, 'alice-bob')).toMatchObject({ ordered: true, unique: true, allSent: true });
  });

  it('requests resolve with the result and reject with the protocol code', async () => {
    const alice = realClient(server, 'alice');
    await connected(alice);
    await expect(alice.request('conversation:join', 'general')).resolves.toMatchObject({ conversationId: 'general', lastSeq: 5 });
    const error = await alice.request('conversation:join', 'nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RealtimeError);
    expect(error).toMatchObject({ code: 'NOT_FOUND' });
    const carol = realClient(server, 'carol');
    await connected(carol);
    await expect(carol.request('conversation:join', 'alice-bob')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const room = carol.conversation('alice-bob');
    room.join();
    await waitFor(() => room.getSnapshot().status === 'error');
    expect(room.getSnapshot().error).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('presence: watched users go online and offline; a join watches the participants', async () => {
    const alice = realClient(server, 'alice');
    await connected(alice);
    const release = alice.presence.watch(['bob', 'carol']);
    await waitFor(() => alice.presence.get('bob'));
    expect(alice.presence.isOnline('bob')).toBe(false);
    const onCarol = vi.fn();
    alice.presence.subscribeUser('carol', onCarol);
    const bob = realClient(server, 'bob');
    await waitFor(() => alice.presence.isOnline('bob'));
    expect(alice.presence.get('bob')).toMatchObject({ online: true, since: expect.any(String), lastSeen: null });
    expect(onCarol).not.toHaveBeenCalled();
    bob.destroy();
    await waitFor(() => alice.presence.get('bob')?.online === false);
    expect(alice.presence.get('bob')?.lastSeen).toEqual(expect.any(String));
    release();
    await waitFor(() => alice.presence.getSnapshot().size === 0);

    await joined(alice, 'design');
    await waitFor(() => alice.presence.get('carol') && alice.presence.get('dave'));
    const carol = realClient(server, 'carol');
    await connected(carol);
    await waitFor(() => alice.presence.isOnline('carol'));
    const page = await alice.presence.list();
    expect(page.users.map((u) => u.userId).sort()).toEqual(['alice', 'carol']);
  });

  it('protocol v1.1: the client negotiates presence:changes; batches reach the presence store, online users and client.on(user:online/offline)', async () => {
    const alice = realClient(server, 'alice');
    await connected(alice);
    const batched = server.io.sockets.adapter.rooms.get('batch:presence');
    expect(batched?.size).toBe(1);
    const heard: string[] = [];
    alice.on('user:online', ({ userId }) => heard.push(`+${userId}`));
    alice.on('user:offline', ({ userId }) => heard.push(`-${userId}`));
    const release = alice.presence.watch(['bob', 'carol']);
    const releaseList = alice.onlineUsers.watch();
    await waitFor(() => alice.presence.get('bob') && alice.presence.get('carol'));
    const bob = realClient(server, 'bob');
    const carol = realClient(server, 'carol');
    await waitFor(() => alice.presence.isOnline('bob') && alice.presence.isOnline('carol'));
    await waitFor(() => alice.onlineUsers.getSnapshot().users.length === 3);
    bob.destroy();
    carol.destroy();
    await waitFor(() => alice.presence.get('bob')?.online === false && alice.presence.get('carol')?.online === false);
    await waitFor(() => alice.onlineUsers.getSnapshot().users.length === 1);
    expect(heard.filter((e) => e.startsWith('+')).sort()).toEqual(['+bob', '+carol']);
    expect(heard.filter((e) => e.startsWith('-')).sort()).toEqual(['-bob', '-carol']);
    release();
    releaseList();
  });

  it('protocol v1.1: ids watched before connecting go in the handshake (no presence:subscribe), and again after a reconnect', async () => {
    const received: string[] = [];
    server.io.on('connection', (socket) => socket.onAny((event: string) => received.push(event)));
    await connected(realClient(server, 'bob'));
    const alice = realClient(server, 'alice', { autoConnect: false });
    const release = alice.presence.watch(['bob', 'carol']);
    alice.connect();
    await connected(alice);
    // Right as soon as connected: the snapshot came in connection:established.
    expect(alice.presence.get('bob')).toMatchObject({ online: true });
    expect(alice.presence.get('carol')).toMatchObject({ online: false });
    const carol = realClient(server, 'carol');
    await waitFor(() => alice.presence.isOnline('carol'));

    server.disconnectAll('alice');
    await waitFor(() => alice.presence.get('bob')?.stale === true);
    await connected(alice);
    await waitFor(() => alice.presence.get('bob')?.stale !== true);
    carol.destroy();
    await waitFor(() => alice.presence.get('carol')?.online === false);
    expect(received.filter((event) => event === 'presence:subscribe')).toEqual([]);

    // Watched once connected: an ordinary presence:subscribe.
    const releaseDave = alice.presence.watch('dave');
    await waitFor(() => received.includes('presence:subscribe'));
    releaseDave();
    release();
  });

  it('protocol v1.1: a server that does not answer the handshake watches (v1 behaviour) gets them through presence:subscribe', async () => {
    const subscribed: unknown[] = [];
    // An older server's connection:established has no `presence` answer: strip it on the way out (socketkit reads
    // the handshake's watches in its own middleware, before this one runs; outgoing listeners run before encoding).
    server.io.use((socket, next) => {
      socket.onAnyOutgoing((event: string, payload: { presence?: unknown }) => {
        if (event === 'connection:established') delete payload.presence;
      });
      next();
    });
    server.io.on('connection', (socket) =>
      socket.onAny((event: string, payload: unknown) => {
        if (event === 'presence:subscribe') subscribed.push(payload);
      }),
    );
    await connected(realClient(server, 'bob'));
    const alice = realClient(server, 'alice', { autoConnect: false });
    const release = alice.presence.watch(['bob', 'carol']);
    alice.connect();
    await connected(alice);
    await waitFor(() => alice.presence.isOnline('bob') && alice.presence.get('carol')?.online === false);
    expect(subscribed).toEqual([{ userIds: ['bob', 'carol'] }]);
    release();
  });

  it('typing reaches the others and ends on stopTyping', async () => {
    const alice = realClient(server, 'alice');
    const bob = realClient(server, 'bob');
    await joined(alice, 'alice-bob');
    await joined(bob, 'alice-bob');
    bob.conversation('alice-bob').startTyping();
    await waitFor(() => alice.conversation('alice-bob').getSnapshot().typingUserIds.includes('bob'));
    expect(bob.conversation('alice-bob').getSnapshot().typingUserIds).toEqual([]);
    bob.conversation('alice-bob').stopTyping();
    await waitFor(() => alice.conversation('alice-bob').getSnapshot().typingUserIds.length === 0);
  });

  it('long history: newest page first, loadOlder pages back without gaps', async () => {
    const alice = realClient(server, 'alice');
    await joined(alice, 'long-history');
    const room = alice.conversation('long-history');
    expect(room.getSnapshot()).toMatchObject({ hasMore: true });
    expect(room.getSnapshot().messages.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 9951 + i));
    await expect(room.loadOlder()).resolves.toBe(true);
    await room.loadOlder();
    const seqs = room.getSnapshot().messages.map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: 150 }, (_, i) => 9851 + i));
  });

  it('refused token: failed at once with TOKEN_INVALID, no retry loop', async () => {
    const getToken = vi.fn(() => server.signToken({ userId: 'alice' }, { secret: 'wrong-secret' }));
    const alice = realClient(server, 'alice', { getToken });
    await waitFor(() => status(alice) === 'failed');
    expect(alice.connection.getSnapshot()).toMatchObject({ status: 'failed', nextRetryAt: null, error: { code: 'TOKEN_INVALID' } });
    const missing = realClient(server, 'alice', { getToken: () => null });
    await waitFor(() => status(missing) === 'failed');
    expect(missing.connection.getSnapshot().error?.code).toBe('TOKEN_MISSING');
    // Still failed after more than the whole backoff schedule would need.
    const bob = realClient(server, 'bob');
    await connected(bob);
    await bob.request('presence:list', {});
    expect(getToken).toHaveBeenCalledTimes(1);
    expect(status(alice)).toBe('failed');
  });

  it('a token already expired at the handshake is refreshed at once, without failing', async () => {
    const tokens = [server.signToken({ userId: 'alice' }, { expiresInS: -60 }), server.token('alice')];
    const getToken = vi.fn(() => tokens.shift() ?? null);
    const alice = realClient(server, 'alice', { getToken });
    const seen: string[] = [];
    alice.connection.subscribe(() => seen.push(status(alice)));
    await connected(alice);
    expect(getToken).toHaveBeenCalledTimes(2);
    expect(seen).not.toContain('failed');
    expect(alice.connection.getSnapshot()).toMatchObject({ userId: 'alice', attempt: 0 });
  });

  it('a token expiring while connected is replaced without failing; messages keep flowing', async () => {
    const getToken = vi.fn(() => server.signToken({ userId: 'alice' }, { expiresInS: 2 }));
    const alice = realClient(server, 'alice', { getToken });
    const seen: string[] = [];
    alice.connection.subscribe(() => seen.push(status(alice)));
    await joined(alice, 'alice-bob');
    const bob = realClient(server, 'bob');
    await joined(bob, 'alice-bob');
    await waitFor(() => getToken.mock.calls.length >= 2 && status(alice) === 'connected', { timeoutMs: 8000 });
    expect(seen).not.toContain('failed');
    expect(seen).toContain('reconnecting');
    await bob.conversation('alice-bob').send('after the refresh');
    await waitFor(() => shown(alice, 'alice-bob').contents.at(-1) === 'after the refresh');
    expect(shown(alice, 'alice-bob')).toMatchObject({ ordered: true, unique: true });
    const socket = await server.connect('bob');
    expect((await stored(socket, 'alice-bob')).map((m) => m.content).at(-1)).toBe('after the refresh');
  }, 15_000);
});
