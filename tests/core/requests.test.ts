import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RealtimeError } from 'socketkit';
import { fakeClient, flush } from './fake-socket.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function connected(options: Parameters<typeof fakeClient>[0] = {}) {
  const made = fakeClient(options);
  made.client.connect();
  await flush();
  made.socket.accept('alice');
  return made;
}

describe('request()', () => {
  it("resolves with the ack's result without ok", async () => {
    const { client, socket } = await connected();
    const p = client.request('presence:list', {});
    socket.reply('presence:list', { ok: true, users: [], hasMore: false });
    await expect(p).resolves.toEqual({ users: [], hasMore: false });
    client.destroy();
  });

  it('rejects with a RealtimeError carrying the protocol code and retryAfterMs', async () => {
    const { client, socket } = await connected();
    const p = client.request('conversation:join', 'x');
    socket.reply('conversation:join', { ok: false, error: { code: 'RATE_LIMITED', message: 'slow down', retryAfterMs: 250 } });
    const error = await p.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RealtimeError);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', message: 'slow down', retryAfterMs: 250, retryable: true });
    const forbidden = client.request('conversation:join', 'y');
    socket.reply('conversation:join', { ok: false, error: { code: 'FORBIDDEN', message: 'no' } });
    await expect(forbidden).rejects.toMatchObject({ code: 'FORBIDDEN', retryable: false });
    client.destroy();
  });

  it('rejects with TIMEOUT when no ack comes, after timeoutMs (default requestTimeoutMs)', async () => {
    const { client } = await connected({ requestTimeoutMs: 5000 });
    const a = client.request('presence:list', {}).catch((e: RealtimeError) => e.code);
    const b = client.request('presence:list', {}, { timeoutMs: 100 }).catch((e: RealtimeError) => e.code);
    let settledA = false;
    void a.then(() => (settledA = true));
    await vi.advanceTimersByTimeAsync(100);
    expect(await b).toBe('TIMEOUT');
    expect(settledA).toBe(false);
    await vi.advanceTimersByTimeAsync(4900);
    expect(await a).toBe('TIMEOUT');
    client.destroy();
  });

  it('rejects in-flight requests with DISCONNECTED when the connection drops', async () => {
    const { client, socket } = await connected();
    const p = client.request('presence:list', {});
    socket.drop();
    await expect(p).rejects.toMatchObject({ code: 'DISCONNECTED' });
    expect(vi.getTimerCount()).toBe(2); // only the reconnection timer and the `lost` threshold: the request timer is gone
    client.destroy();
  });

  it('waits for a connection underway, rejects at once when there is none', async () => {
    const { client, socket } = fakeClient();
    await expect(client.request('presence:list', {})).rejects.toMatchObject({ code: 'DISCONNECTED' }); // idle
    client.connect();
    const p = client.request('presence:list', {});
    await flush();
    expect(socket.of('presence:list')).toHaveLength(0);
    socket.accept();
    expect(socket.of('presence:list')).toHaveLength(1);
    socket.reply('presence:list', { ok: true, users: [], hasMore: false });
    await expect(p).resolves.toEqual({ users: [], hasMore: false });
    client.destroy();
  });

  it('waiting requests fail with DISCONNECTED when the client gives up', async () => {
    const { client, socket } = fakeClient({ reconnection: { maxAttempts: 0 } });
    client.connect();
    const p = client.request('presence:list', {});
    await flush();
    socket.refuse();
    await expect(p).rejects.toMatchObject({ code: 'DISCONNECTED' });
    client.destroy();
  });

  it('queueWhileOffline keeps a request until the next connection', async () => {
    const { client, socket } = fakeClient();
    const p = client.request('presence:list', {}, { queueWhileOffline: true, timeoutMs: 50 });
    await vi.advanceTimersByTimeAsync(1000); // no timeout while queued
    client.connect();
    await flush();
    socket.accept();
    socket.reply('presence:list', { ok: true, users: [], hasMore: false });
    await expect(p).resolves.toEqual({ users: [], hasMore: false });
    client.destroy();
  });

  it('an AbortSignal cancels a request', async () => {
    const { client } = await connected();
    const controller = new AbortController();
    const p = client.request('presence:list', {}, { signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
    expect(vi.getTimerCount()).toBe(0);
    client.destroy();
  });
});

describe('emit()', () => {
  it('sends at once when connected, queues in order while offline (bounded), flushes on connect', async () => {
    const { client, socket } = fakeClient();
    for (let i = 0; i < 102; i++) client.emit('custom', i);
    expect(socket.sent).toHaveLength(0);
    client.connect();
    await flush();
    socket.accept();
    expect(socket.of('custom').map((p) => p.payload)).toEqual(Array.from({ length: 100 }, (_, i) => i + 2));
    client.emit('custom', 'now');
    expect(socket.sent.at(-1)).toMatchObject({ event: 'custom', payload: 'now' });
    client.destroy();
  });
});

describe('on()', () => {
  it('delivers to many listeners through a single socket.io listener; unsubscribe stops one', async () => {
    const { client, socket } = await connected();
    const a = vi.fn();
    const b = vi.fn();
    const offA = client.on('notification:new', a);
    client.on('notification:new', b);
    client.on('custom:event', b);
    expect(socket.onAnyCalls).toBe(1);
    socket.serverEmit('notification:new', { id: 'n1' });
    socket.serverEmit('custom:event', 42);
    expect(a).toHaveBeenCalledWith({ id: 'n1' });
    expect(b.mock.calls).toEqual([[{ id: 'n1' }], [42]]);
    offA();
    socket.serverEmit('notification:new', { id: 'n2' });
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).toHaveBeenCalledTimes(3);
    client.destroy();
  });

  it('reports a throwing listener to logger.error and onError; the others still run', async () => {
    const error = vi.fn();
    const onError = vi.fn();
    const { client, socket } = await connected({ logger: { warn: () => {}, error }, onError });
    const boom = new Error('boom');
    const after = vi.fn();
    client.on('notification:new', () => {
      throw boom;
    });
    client.on('notification:new', after);
    socket.serverEmit('notification:new', { id: 'n1' });
    expect(after).toHaveBeenCalledTimes(1);
    expect(error).toHaveBeenCalledWith('[socketkit]', 'notification:new', boom);
    expect(onError).toHaveBeenCalledWith(boom, { event: 'notification:new' });
    client.destroy();
  });

  it('after destroy() every request rejects with DESTROYED, queueWhileOffline too, and so does a conversation send()', async () => {
    const { client } = await connected();
    client.destroy();
    await expect(client.request('presence:list', {}, { queueWhileOffline: true })).rejects.toMatchObject({ code: 'DESTROYED' });
    await expect(client.request('presence:list', {})).rejects.toMatchObject({ code: 'DESTROYED' });
    await expect(client.conversation('c1').send('hi')).rejects.toMatchObject({ code: 'DESTROYED' });
  });
});
