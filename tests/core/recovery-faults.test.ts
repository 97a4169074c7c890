/**
 * Faults users of comparable libraries hit around reconnects (a server that
 * lost its store, tokens the server expires, raw joins and presence across a
 * reconnect, reserved names, a failing reconnect step), replayed on
 * socketkit. Real server wherever the fault involves one.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RealtimeError } from 'socketkit';
import { startProxy, type TcpProxy } from '../support/proxy.js';
import { startServer, type TestServer } from '../support/server.js';
import { waitFor } from '../support/wait.js';
import { FakeSocket, fakeClient, flush } from './fake-socket.js';
import { connected, disposeAll, joined, realClient, shown, status, stored } from './real-client.js';

const SEED = ['Hey Alice, do you have a minute?', 'Sure, what is up?', 'Can you review my pull request?'];
const ROOM = 'alice-bob';

describe('recovering from faults, against the real server', () => {
  let server: TestServer;
  let proxy: TcpProxy | undefined;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    disposeAll();
    await proxy?.close();
    proxy = undefined;
    await server.cleanup();
  });

  it('a server restarted with a fresh store (new storeId, same seqs again): the conversation is reloaded and equals the server’s; a pending send goes once', async () => {
    proxy = await startProxy(server.port);
    const alice = realClient(server, 'alice', { url: proxy.url });
    const bob = realClient(server, 'bob');
    await joined(alice, ROOM);
    await joined(bob, ROOM);
    await bob.conversation(ROOM).send('old 4');
    await waitFor(() => shown(alice, ROOM).contents.includes('old 4'));

    proxy.block();
    proxy.cut();
    await waitFor(() => status(alice) === 'reconnecting', { timeoutMs: 8000 });
    const pending = alice.conversation(ROOM).send('pending from alice');
    const port = server.port;
    await server.close();
    server = await startServer({ port }); // fresh in-memory store: the seed again, seq 4 is free
    await connected(bob);
    await waitFor(() => shown(bob, ROOM).contents.length === SEED.length, { message: 'bob reloaded the fresh store' });
    await bob.conversation(ROOM).send('during'); // seq 4 again
    await bob.conversation(ROOM).send('live'); // seq 5
    proxy.restore();
    await connected(alice);
    await pending;
    const expected = [...SEED, 'during', 'live', 'pending from alice'];
    await waitFor(() => shown(alice, ROOM).sentContents.length === expected.length && shown(alice, ROOM).allSent, { timeoutMs: 8000 });
    const socket = await server.connect('bob');
    expect((await stored(socket, ROOM)).map((m) => m.content)).toEqual(expected);
    expect(shown(alice, ROOM)).toMatchObject({ contents: expected, ordered: true, unique: true });
  }, 20_000);

  it('a token already expired by the server clock: no reconnect loop, a handful of connections, then failed with TOKEN_EXPIRED', async () => {
    let accepted = 0;
    server.io.on('connection', () => accepted++);
    const getToken = vi.fn(() => server.signToken({ userId: 'alice' }, { expiresInS: -2 }));
    const alice = realClient(server, 'alice', { getToken, reconnection: { initialDelayMs: 50, maxDelayMs: 200, maxAttempts: 3, jitter: 0 } });
    await waitFor(() => status(alice) === 'failed', { timeoutMs: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 500)); // nothing more happens after failed
    expect(alice.connection.getSnapshot().error).toMatchObject({ code: 'TOKEN_EXPIRED' });
    expect(accepted).toBe(0); // before: accepted, expired at once, reconnected at once (~800 connections in 2 s)
    // One attempt, one immediate refresh, three backoff attempts: a fresh token each time.
    expect(getToken).toHaveBeenCalledTimes(5);
  }, 10_000);

  it('presence: watching a valid id and an invalid one in the same tick; the valid one still works, the invalid one is reported', async () => {
    const onError = vi.fn();
    const alice = realClient(server, 'alice', { onError, logger: { warn: () => {}, error: () => {} } });
    await connected(alice);
    alice.presence.watch(['carol']);
    alice.presence.watch(['']);
    alice.presence.watch(42 as unknown as string); // a numeric id from JSON
    await server.connect('carol');
    await waitFor(() => alice.presence.isOnline('carol'), { message: 'carol online' });
    await server.connect('42');
    await waitFor(() => alice.presence.isOnline('42'), { message: 'user 42 online' });
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]![0]).toMatchObject({ code: 'BAD_REQUEST' });
    expect(String(onError.mock.calls[0]![0].message)).toContain('""');
  });

  it('a conversation joined through client.request is rejoined after a reconnect (message:new keeps coming)', async () => {
    proxy = await startProxy(server.port);
    const alice = realClient(server, 'alice', { url: proxy.url });
    const bob = realClient(server, 'bob');
    await connected(alice);
    await alice.request('conversation:join', ROOM);
    const heard: string[] = [];
    alice.on('message:new', (message) => heard.push(message.content));
    await joined(bob, ROOM);
    let reconnected = false;
    alice.onLifecycle('reconnected', () => (reconnected = true));
    proxy.cut();
    await waitFor(() => reconnected, { timeoutMs: 8000, message: 'alice reconnected' });
    // The handle stays `joined` through a reconnect, so that status does not say the server
    // has the rejoin yet: a message sent before it is caught up into the conversation, not
    // heard as message:new. Bob keeps sending until alice hears one live (bounded).
    let sent = 0;
    await waitFor(
      async () => {
        if (heard.some((content) => content.startsWith('after the reconnect'))) return true;
        await bob.conversation(ROOM).send(`after the reconnect ${++sent}`);
        return false;
      },
      { timeoutMs: 8000, intervalMs: 100, message: 'message:new after the reconnect' },
    );
    expect(sent).toBeLessThan(80);
    await waitFor(() => alice.conversation(ROOM).getSnapshot().messages.some((m) => m.content === 'after the reconnect 1'), { timeoutMs: 8000 });
  }, 15_000);

  it('raw presence subscriptions are refused with an error naming the API to use', async () => {
    const alice = realClient(server, 'alice');
    await connected(alice);
    await expect(alice.request('presence:subscribe', { userIds: ['bob'] })).rejects.toThrow(/client\.presence\.watch/);
    expect(() => alice.emit('presence:subscribe', { userIds: ['bob'] })).toThrow(/client\.presence\.watch/);
  });

  it('presence the client cannot vouch for is stale while disconnected, fresh again after the reconnect', async () => {
    proxy = await startProxy(server.port);
    const alice = realClient(server, 'alice', { url: proxy.url });
    await connected(alice);
    alice.presence.watch('bob');
    await server.connect('bob');
    await waitFor(() => alice.presence.isOnline('bob'));
    expect(alice.presence.get('bob')?.stale).toBeUndefined();
    proxy.block();
    proxy.cut();
    await waitFor(() => status(alice) === 'reconnecting', { timeoutMs: 8000 });
    expect(alice.presence.get('bob')).toMatchObject({ online: true, stale: true });
    proxy.restore();
    await connected(alice);
    await waitFor(() => alice.presence.get('bob')?.stale === undefined, { timeoutMs: 8000, message: 'fresh after the reconnect' });
    expect(alice.presence.get('bob')).toMatchObject({ online: true });
  }, 15_000);
});

describe('the online-users list across a reconnect', () => {
  let server: TestServer;
  let proxy: TcpProxy | undefined;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    disposeAll();
    await proxy?.close();
    await server.cleanup();
  });

  it('is stale while the client is disconnected and fresh after the reconnect', async () => {
    proxy = await startProxy(server.port);
    const alice = realClient(server, 'alice', { url: proxy.url });
    alice.onlineUsers.watch({ refreshMs: 0 });
    await waitFor(() => !alice.onlineUsers.getSnapshot().loading, { timeoutMs: 8000 });
    expect(alice.onlineUsers.getSnapshot().stale).toBe(false);
    proxy.block();
    proxy.cut();
    await waitFor(() => status(alice) === 'reconnecting', { timeoutMs: 8000 });
    expect(alice.onlineUsers.getSnapshot()).toMatchObject({ stale: true, users: [expect.objectContaining({ userId: 'alice' })] });
    proxy.restore();
    await waitFor(() => alice.onlineUsers.getSnapshot().stale === false, { timeoutMs: 8000, message: 'fresh after the reconnect' });
  }, 15_000);
});

describe('recovering from faults, with a fake socket', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a reserved event name is refused at call time with the same error, connected or not, and never queued', async () => {
    const { client, socket } = fakeClient();
    const offline = (() => {
      try {
        client.emit('disconnect', {});
      } catch (error) {
        return error;
      }
    })();
    client.connect();
    await flush();
    socket.accept();
    const online = (() => {
      try {
        client.emit('disconnect', {});
      } catch (error) {
        return error;
      }
    })();
    expect(offline).toBeInstanceOf(RealtimeError);
    expect(offline).toMatchObject({ code: 'BAD_REQUEST', message: '"disconnect" is reserved by Socket.IO and cannot be emitted' });
    expect(online).toEqual(offline);
    expect(socket.of('disconnect')).toHaveLength(0);
    await expect(client.request('connect', {})).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    client.destroy();
  });

  it('one failing step of the reconnect sequence is reported; the other queued emits, rejoins and the outbox still run', async () => {
    class Throwing extends FakeSocket {
      override emit(event: string, ...args: unknown[]) {
        if (event === 'explode') throw new Error('cannot send explode');
        super.emit(event, ...args);
      }
    }
    const onError = vi.fn();
    let socket!: Throwing;
    const { client } = fakeClient({ onError, createSocket: (_url, options) => (socket = new Throwing(options)) });
    client.emit('explode', {});
    client.emit('after', 1);
    const sending = client.conversation('c1').send('hello');
    client.connect();
    await flush();
    socket.accept();
    await flush();
    expect(socket.of('after')).toHaveLength(1);
    expect(socket.of('message:send')).toHaveLength(1);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'cannot send explode' }), { event: 'reconnect: queued emit' });
    socket.reply('message:send', {
      ok: true,
      message: { id: 'm1', seq: 1, conversationId: 'c1', senderId: 'alice', content: 'hello', createdAt: new Date().toISOString(), clientMessageId: (socket.of('message:send')[0]!.payload as { clientMessageId: string }).clientMessageId },
    });
    await expect(sending).resolves.toMatchObject({ status: 'sent' });
    client.destroy();
  });

  it('a server that accepts and expires every token at once: auth-driven reconnects go through the backoff and end in failed with TOKEN_EXPIRED', async () => {
    const getToken = vi.fn(() => 'always-expired');
    const { client, socket } = fakeClient({ getToken, reconnection: { initialDelayMs: 100, maxDelayMs: 1000, maxAttempts: 3, jitter: 0 } });
    client.connect();
    for (let round = 0; round < 20 && client.connection.getSnapshot().status !== 'failed'; round++) {
      await flush();
      socket.accept();
      socket.serverEmit('auth:expired', { at: new Date().toISOString() });
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(client.connection.getSnapshot()).toMatchObject({ status: 'failed', error: { code: 'TOKEN_EXPIRED' } });
    // one immediate refresh, then three backoff attempts
    expect(socket.attempts.length).toBeLessThanOrEqual(5);
    client.destroy();
  });
});
