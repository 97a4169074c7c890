import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RealtimeError } from 'socketkit';
import { fakeClient, flush } from './fake-socket.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('connection state machine (fake socket, fake timers)', () => {
  it('turns socket.io reconnection off and connects with the token from getToken', async () => {
    const getToken = vi.fn(async () => 'fresh');
    const { client, socket } = fakeClient({ getToken, autoConnect: true });
    expect(socket.options).toMatchObject({ reconnection: false, autoConnect: false, forceNew: true });
    expect(client.connection.getSnapshot().status).toBe('connecting');
    await flush();
    expect(socket.attempts).toEqual([{ token: 'fresh', protocol: '1.1' }]);
    socket.accept('alice');
    expect(client.connection.getSnapshot()).toMatchObject({ status: 'connected', userId: 'alice', attempt: 0, error: null });
    client.destroy();
  });

  it('retries after 1, 2, 4, 8, 16 s with a fresh token each time, then fails', async () => {
    let n = 0;
    const getToken = vi.fn(() => `t${++n}`);
    const { client, socket } = fakeClient({ getToken });
    client.connect();
    await flush();
    socket.accept();
    const t0 = Date.now();
    socket.drop();
    const snap = client.connection.getSnapshot();
    expect(snap).toMatchObject({ status: 'reconnecting', attempt: 1, nextRetryAt: t0 + 1000 });
    expect(snap.error).toBeInstanceOf(RealtimeError);
    expect(snap.error?.code).toBe('DISCONNECTED');
    const delays = [1000, 2000, 4000, 8000, 16000];
    for (const [i, delay] of delays.entries()) {
      expect(client.connection.getSnapshot().attempt).toBe(i + 1);
      await vi.advanceTimersByTimeAsync(delay - 1);
      expect(socket.attempts).toHaveLength(i + 1); // not yet
      await vi.advanceTimersByTimeAsync(1);
      expect(socket.attempts).toHaveLength(i + 2);
      socket.refuse(); // network error: keep trying
    }
    expect(client.connection.getSnapshot()).toMatchObject({ status: 'failed', attempt: 5, nextRetryAt: null });
    expect(client.connection.getSnapshot().error?.code).toBe('CONNECT_FAILED');
    expect(getToken).toHaveBeenCalledTimes(6);
    expect(socket.attempts.at(-1)).toEqual({ token: 't6', protocol: '1.1' });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(socket.attempts).toHaveLength(6);
    client.destroy();
  });

  it('follows the configured schedule and maxAttempts', async () => {
    const { client, socket } = fakeClient({ reconnection: { initialDelayMs: 100, maxDelayMs: 300, maxAttempts: 3, jitter: 0 } });
    client.connect();
    await flush();
    socket.refuse();
    // A first connection whose attempt failed is, to a person, reconnecting: the core says so (toStatus).
    expect(client.connection.getSnapshot()).toMatchObject({ status: 'reconnecting', attempt: 1 });
    for (const delay of [100, 200, 300]) {
      await vi.advanceTimersByTimeAsync(delay);
      socket.refuse();
    }
    expect(client.connection.getSnapshot().status).toBe('failed');
    expect(socket.attempts).toHaveLength(4);
    client.destroy();
  });

  it.each(['TOKEN_INVALID', 'TOKEN_MISSING'])('fails at once on %s, with no retry loop', async (code) => {
    const getToken = vi.fn(() => 'bad');
    const { client, socket } = fakeClient({ getToken });
    client.connect();
    await flush();
    socket.refuse(code);
    expect(client.connection.getSnapshot()).toMatchObject({ status: 'failed', nextRetryAt: null });
    expect(client.connection.getSnapshot().error).toMatchObject({ name: 'RealtimeError', code });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(socket.attempts).toHaveLength(1);
    expect(getToken).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
    client.destroy();
  });

  it('refreshes an expired token at handshake and reconnects at once', async () => {
    const tokens = ['old', 'new'];
    const { client, socket } = fakeClient({ getToken: () => tokens.shift() });
    client.connect();
    await flush();
    socket.refuse('TOKEN_EXPIRED');
    expect(client.connection.getSnapshot().status).toBe('connecting');
    await flush();
    expect(socket.attempts).toEqual([{ token: 'old', protocol: '1.1' }, { token: 'new', protocol: '1.1' }]);
    socket.accept();
    expect(client.connection.getSnapshot().status).toBe('connected');
    client.destroy();
  });

  it('fails on TOKEN_EXPIRED when there is no getToken to refresh it', async () => {
    const { client, socket } = fakeClient({ token: 'fixed' });
    client.connect();
    await flush();
    socket.refuse('TOKEN_EXPIRED');
    expect(client.connection.getSnapshot()).toMatchObject({ status: 'failed', error: { code: 'TOKEN_EXPIRED' } });
    client.destroy();
  });

  it('on auth:expired fetches a fresh token and reconnects with only a reconnecting blip', async () => {
    let n = 0;
    const { client, socket } = fakeClient({ getToken: () => `t${++n}` });
    client.connect();
    await flush();
    socket.accept();
    const seen: string[] = [];
    client.connection.subscribe(() => seen.push(client.connection.getSnapshot().status));
    socket.serverEmit('auth:expired', { at: new Date().toISOString() });
    await flush();
    expect(socket.attempts.at(-1)).toEqual({ token: 't2', protocol: '1.1' });
    socket.accept();
    expect(seen).toEqual(['reconnecting', 'connected']);
    expect(vi.getTimerCount()).toBe(0);
    client.destroy();
  });

  it('reconnect() works after failed and resets the attempt counter', async () => {
    const { client, socket } = fakeClient({ reconnection: { maxAttempts: 0 } });
    client.connect();
    await flush();
    socket.refuse();
    expect(client.connection.getSnapshot().status).toBe('failed');
    client.reconnect();
    await flush();
    expect(socket.attempts).toHaveLength(2);
    socket.accept();
    expect(client.connection.getSnapshot()).toMatchObject({ status: 'connected', attempt: 0 });
    client.destroy();
  });

  it('disconnect() stops without retrying; connect() starts again', async () => {
    const { client, socket } = fakeClient();
    client.connect();
    await flush();
    socket.accept();
    client.disconnect();
    expect(client.connection.getSnapshot().status).toBe('disconnected');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(socket.attempts).toHaveLength(1);
    client.connect();
    await flush();
    expect(client.connection.getSnapshot().status).toBe('connecting');
    socket.accept();
    expect(client.connection.getSnapshot().status).toBe('connected');
    client.destroy();
  });

  it('after failed, the browser online event and the tab becoming visible retry; listeners live only while needed', async () => {
    const win = new EventTarget();
    const doc = Object.assign(new EventTarget(), { visibilityState: 'hidden' });
    const addWin = vi.spyOn(win, 'addEventListener');
    const removeWin = vi.spyOn(win, 'removeEventListener');
    vi.stubGlobal('window', win);
    vi.stubGlobal('document', doc);
    const { client, socket } = fakeClient({ reconnection: { maxAttempts: 0 } });
    client.connect();
    await flush();
    socket.accept();
    expect(addWin).not.toHaveBeenCalled(); // not needed while connected
    socket.drop();
    expect(client.connection.getSnapshot().status).toBe('failed');
    expect(addWin).toHaveBeenCalledWith('online', expect.any(Function));

    win.dispatchEvent(new Event('online'));
    await flush();
    expect(socket.attempts).toHaveLength(2);
    socket.refuse();
    expect(client.connection.getSnapshot().status).toBe('failed');

    doc.dispatchEvent(new Event('visibilitychange')); // still hidden: nothing
    await flush();
    expect(socket.attempts).toHaveLength(2);
    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    await flush();
    expect(socket.attempts).toHaveLength(3);
    socket.accept();
    expect(removeWin).toHaveBeenCalledWith('online', expect.any(Function));
    client.destroy();
  });

  it('destroy() leaves no timer, no socket listener and a disconnected socket', async () => {
    const win = new EventTarget();
    const removeWin = vi.spyOn(win, 'removeEventListener');
    vi.stubGlobal('window', win);
    const { client, socket } = fakeClient();
    client.connect();
    await flush();
    socket.accept();
    client.on('message:new', () => {});
    socket.drop();
    expect(vi.getTimerCount()).toBe(2); // the backoff and the `lost` threshold
    client.destroy();
    expect(vi.getTimerCount()).toBe(0);
    expect(socket.listenerCount).toBe(0);
    expect(removeWin).toHaveBeenCalledWith('online', expect.any(Function));
    expect(client.connection.getSnapshot().status).toBe('disconnected');
    client.connect();
    await flush();
    expect(socket.attempts).toHaveLength(1);
    await expect(client.request('presence:list', {})).rejects.toMatchObject({ code: 'DESTROYED' });
  });

  it('keeps the snapshot identity until something changed', async () => {
    const { client, socket } = fakeClient();
    const idle = client.connection.getSnapshot();
    expect(client.connection.getSnapshot()).toBe(idle);
    client.connect();
    await flush();
    socket.accept();
    const connected = client.connection.getSnapshot();
    expect(connected).not.toBe(idle);
    const listener = vi.fn();
    client.connection.subscribe(listener);
    socket.serverEmit('connection:established', { userId: 'alice', socketId: 's', serverTime: '' }); // no change
    expect(client.connection.getSnapshot()).toBe(connected);
    expect(listener).not.toHaveBeenCalled();
    client.destroy();
  });
});

describe('attempt deadline and socket closing (fake socket, fake timers)', () => {
  it('a getToken that never settles: after connectTimeoutMs the attempt fails into the backoff, and lost fires', async () => {
    const getToken = vi.fn(() => new Promise<string>(() => {}));
    const { client, socket } = fakeClient({ getToken });
    const lost = vi.fn();
    client.onLifecycle('lost', lost);
    client.connect();
    await vi.advanceTimersByTimeAsync(19_999);
    expect(client.connection.getSnapshot().status).toBe('connecting');
    await vi.advanceTimersByTimeAsync(1);
    const snap = client.connection.getSnapshot();
    expect(snap).toMatchObject({ status: 'reconnecting', attempt: 1, error: { code: 'CONNECT_FAILED' } });
    expect(socket.attempts).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(lost).toHaveBeenCalledTimes(1);
    expect(getToken).toHaveBeenCalledTimes(2); // the retry after the 1 s backoff asks again
    client.destroy();
  });

  it('a socket connected without connection:established: the attempt times out, the socket is closed and retried', async () => {
    const { client, socket } = fakeClient({ connectTimeoutMs: 5000 });
    client.connect();
    await flush();
    socket.connected = true; // transport up, the server never says established
    await vi.advanceTimersByTimeAsync(5000);
    expect(client.connection.getSnapshot()).toMatchObject({ status: 'reconnecting', attempt: 1 });
    expect(socket.connected).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(socket.attempts).toHaveLength(2);
    socket.accept();
    expect(client.connection.getSnapshot()).toMatchObject({ status: 'connected', attempt: 0 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(client.connection.getSnapshot().status).toBe('connected'); // the deadline went with `connecting`
    client.destroy();
  });

  it('auth:expired without getToken: failed, and the socket is closed', async () => {
    const { client, socket } = fakeClient();
    client.connect();
    await flush();
    socket.accept();
    socket.serverEmit('auth:expired', { at: new Date().toISOString() });
    expect(client.connection.getSnapshot()).toMatchObject({ status: 'failed', error: { code: 'TOKEN_EXPIRED' } });
    expect(socket.connected).toBe(false);
    client.destroy();
  });
});
