/**
 * The rules the core client documents (docs/client.md), each checked: the transition table, lifecycle events and `lost`, handle
 * retention, routing by id, the online-users poller, server snapshots.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { releaseLater, toStatus, transition, type ConnectionEvent, type ConnectionState, type Message, type TransitionFacts } from 'socketkit';
import { fakeClient, flush } from './fake-socket.js';

afterEach(() => {
  vi.useRealTimers();
});

async function connectedClient(options: Parameters<typeof fakeClient>[0] = {}) {
  const made = fakeClient(options);
  made.client.connect();
  await flush();
  made.socket.accept('me');
  return made;
}

const msg = (seq: number, conversationId: string): Message => ({
  id: `${conversationId}-${seq}`,
  seq,
  conversationId,
  senderId: 'bob',
  content: `hello ${seq}`,
  createdAt: new Date(seq * 1000).toISOString(),
  clientMessageId: `${conversationId}-cm-${seq}`,
});

describe('the connection transition table', () => {
  const facts: TransitionFacts = { attemptsLeft: true, canFetchToken: true, firstAuthRefresh: true };
  const states: ConnectionState[] = ['idle', 'connecting', 'connected', 'backoff', 'disconnected', 'failed', 'destroyed'];

  it('answers "the token expires while connected": a fresh token at once, then the backoff, then failed', () => {
    const authExpired: ConnectionEvent = { type: 'authExpired' };
    expect(transition('connected', authExpired, facts)).toBe('connecting');
    expect(transition('connected', authExpired, { ...facts, firstAuthRefresh: false })).toBe('backoff');
    expect(transition('connected', authExpired, { ...facts, firstAuthRefresh: false, attemptsLeft: false })).toBe('failed');
    expect(transition('connected', authExpired, { ...facts, canFetchToken: false })).toBe('failed');
    for (const state of states.filter((s) => s !== 'connected')) expect(transition(state, authExpired, facts)).toBeNull();
  });

  it('refused tokens fail, network failures retry, destroyed ignores everything', () => {
    expect(transition('connecting', { type: 'connectError', code: 'TOKEN_INVALID', message: '' }, facts)).toBe('failed');
    expect(transition('connecting', { type: 'connectError', code: null, message: '' }, facts)).toBe('backoff');
    expect(transition('connecting', { type: 'connectError', code: null, message: '' }, { ...facts, attemptsLeft: false })).toBe('failed');
    expect(transition('connected', { type: 'socketClosed', reason: 'transport close' }, facts)).toBe('backoff');
    expect(transition('backoff', { type: 'retryTimer' }, facts)).toBe('connecting');
    expect(transition('connected', { type: 'connect' }, facts)).toBeNull();
    for (const type of ['connect', 'reconnect', 'disconnect', 'destroy', 'retryTimer', 'authExpired'] as const) {
      expect(transition('destroyed', { type }, facts)).toBeNull();
    }
  });

  it('toStatus owns the wording: a failed first attempt is already reconnecting', () => {
    expect(toStatus('backoff', false, 0)).toBe('connecting');
    expect(toStatus('backoff', false, 1)).toBe('reconnecting');
    expect(toStatus('connecting', true, 0)).toBe('reconnecting');
    expect(toStatus('destroyed', true, 0)).toBe('disconnected');
  });
});

describe('lifecycle events and lost', () => {
  it('fires connected, disconnected (with the reason), lost after lostAfterMs, then reconnected', async () => {
    vi.useFakeTimers();
    const { client, socket } = fakeClient({ lostAfterMs: 500 });
    const seen: string[] = [];
    for (const event of ['connected', 'disconnected', 'lost', 'reconnected'] as const) {
      client.onLifecycle(event, (payload) => seen.push(payload.reason ? `${event}:${payload.reason}` : event));
    }
    client.connect();
    await flush();
    socket.accept();
    socket.drop('transport close');
    expect(client.connection.getSnapshot().lost).toBe(false);
    await vi.advanceTimersByTimeAsync(499);
    expect(client.connection.getSnapshot().lost).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(client.connection.getSnapshot()).toMatchObject({ status: 'reconnecting', lost: true });
    await vi.advanceTimersByTimeAsync(2000);
    socket.accept();
    expect(client.connection.getSnapshot()).toMatchObject({ status: 'connected', lost: false });
    expect(seen).toEqual(['connected', 'disconnected:transport close', 'lost', 'reconnected']);
    client.destroy();
  });

  it('a blip shorter than lostAfterMs never sets lost; failed is lost at once', async () => {
    vi.useFakeTimers();
    const { client, socket } = fakeClient({ lostAfterMs: 1000, reconnection: { maxAttempts: 1, initialDelayMs: 100, jitter: 0 } });
    const lost = vi.fn();
    client.onLifecycle('lost', lost);
    client.connect();
    await flush();
    socket.accept();
    socket.drop();
    await vi.advanceTimersByTimeAsync(100);
    socket.accept();
    await vi.advanceTimersByTimeAsync(5000);
    expect(lost).not.toHaveBeenCalled();
    socket.drop();
    await vi.advanceTimersByTimeAsync(100);
    socket.refuse('TOKEN_INVALID');
    expect(client.connection.getSnapshot()).toMatchObject({ status: 'failed', lost: true });
    expect(lost).toHaveBeenCalledTimes(1);
    client.destroy();
  });
});

describe('conversation handles', () => {
  it('are released when not joined, not subscribed and without pending messages; kept while any holds', async () => {
    const { client } = await connectedClient();
    const first = client.conversation('c1');
    const release = first.join();
    release();
    await flush();
    expect(client.conversation('c1')).not.toBe(first); // released: a fresh handle

    const read = client.conversation('c2');
    const unsubscribe = read.subscribe(() => {});
    await flush();
    expect(client.conversation('c2')).toBe(read); // a subscriber holds it
    unsubscribe();
    await flush();
    expect(client.conversation('c2')).not.toBe(read);

    const sender = client.conversation('c3');
    void sender.send('waiting for its ack').catch(() => {});
    await flush();
    expect(client.conversation('c3')).toBe(sender); // a pending message holds it
    client.destroy();
  });

  it('a release through releaseLater and a re-join in the same task keep the handle and send no leave', async () => {
    vi.useFakeTimers();
    const { client, socket } = await connectedClient();
    const handle = client.conversation('c1');
    releaseLater(handle.join()); // StrictMode: cleanup…
    const again = handle.join(); // …and the re-mount, in the same task
    await vi.advanceTimersByTimeAsync(10);
    expect(socket.of('conversation:leave')).toHaveLength(0);
    expect(socket.of('conversation:join')).toHaveLength(1);
    expect(client.conversation('c1')).toBe(handle);
    again();
    client.destroy();
  });

  it('one listener routes message:new by id: 300 joined conversations, one message, one handle notified', async () => {
    const { client, socket } = await connectedClient();
    const notified = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const handle = client.conversation(`c${i}`);
      handle.join();
      handle.subscribe(() => notified.add(handle.id));
    }
    await flush();
    notified.clear();
    socket.serverEmit('message:new', msg(1, 'c7'));
    expect([...notified]).toEqual(['c7']);
    expect(client.conversation('c7').getSnapshot().messages.map((m) => m.content)).toEqual(['hello 1']);
    client.destroy();
  });

  it('offer their initial snapshot as the server snapshot', async () => {
    const { client } = await connectedClient();
    const handle = client.conversation('c1');
    expect(handle.getServerSnapshot()).toMatchObject({ conversationId: 'c1', status: 'idle', messages: [] });
    expect(client.connection.getServerSnapshot()).toMatchObject({ status: 'idle', userId: null, lost: false });
    expect(client.presence.getServerSnapshot().size).toBe(0);
    expect(client.onlineUsers.getServerSnapshot()).toMatchObject({ users: [], loading: true });
    client.destroy();
  });
});

describe('online users', () => {
  it('one reference-counted poller per client: two watchers, one request per period; none once released', async () => {
    vi.useFakeTimers();
    const { client, socket } = await connectedClient();
    const releaseA = client.onlineUsers.watch({ refreshMs: 1000 });
    const releaseB = client.onlineUsers.watch({ refreshMs: 5000 });
    const before = socket.of('presence:list').length;
    await vi.advanceTimersByTimeAsync(3000);
    expect(socket.of('presence:list').length - before).toBe(3); // the shortest period, once
    releaseA();
    releaseB();
    const after = socket.of('presence:list').length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(socket.of('presence:list').length).toBe(after);
    expect(vi.getTimerCount()).toBe(0);
    client.destroy();
  });

  it('nothing is requested while nobody watches', async () => {
    vi.useFakeTimers();
    const { client, socket } = await connectedClient();
    client.onlineUsers.getSnapshot();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(socket.of('presence:list')).toHaveLength(0);
    client.destroy();
  });
});
