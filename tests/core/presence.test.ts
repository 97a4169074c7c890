import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RealtimeClient } from 'socketkit';
import { fakeClient, flush, type FakeSocket } from './fake-socket.js';

let client: RealtimeClient | undefined;
afterEach(() => client?.destroy());

async function connected() {
  const made = fakeClient();
  client = made.client;
  made.client.connect();
  await flush();
  made.socket.accept('me');
  return made;
}

const ids = (n: number, prefix = 'u') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const subscribed = (socket: FakeSocket, event = 'presence:subscribe') =>
  socket.of(event).map((p) => (p.payload as { userIds: string[] }).userIds);

describe('presence', () => {
  it('batches every watch of one tick into one presence:subscribe', async () => {
    const { client, socket } = await connected();
    for (const id of ids(200)) client.presence.watch(id);
    expect(socket.of('presence:subscribe')).toHaveLength(0);
    await flush();
    expect(subscribed(socket)).toEqual([ids(200)]);
  });

  it('chunks at 1000 ids', async () => {
    const { client, socket } = await connected();
    client.presence.watch(ids(2500));
    await flush();
    expect(subscribed(socket).map((c) => c.length)).toEqual([1000, 1000, 500]);
  });

  it('is reference-counted: unsubscribes (batched) only when the last holder releases', async () => {
    const { client, socket } = await connected();
    const r1 = client.presence.watch(['bob', 'carol']);
    const r2 = client.presence.watch('bob');
    await flush();
    expect(subscribed(socket)).toEqual([['bob', 'carol']]);
    socket.reply('presence:subscribe', { ok: true, users: [{ userId: 'bob', online: true, since: 'T1' }, { userId: 'carol', online: false }] });
    await flush();
    expect(client.presence.isOnline('bob')).toBe(true);
    r1();
    r1(); // idempotent
    await flush();
    expect(subscribed(socket, 'presence:unsubscribe')).toEqual([['carol']]);
    expect(client.presence.get('carol')).toBeUndefined();
    expect(client.presence.get('bob')).toEqual({ online: true, since: 'T1', lastSeen: null });
    r2();
    await flush();
    expect(subscribed(socket, 'presence:unsubscribe')).toEqual([['carol'], ['bob']]);
    expect(client.presence.getSnapshot().size).toBe(0);
  });

  it('release and watch again in the same tick sends nothing and keeps the state', async () => {
    const { client, socket } = await connected();
    const r = client.presence.watch('bob');
    await flush();
    socket.reply('presence:subscribe', { ok: true, users: [{ userId: 'bob', online: true, since: 'T1' }] });
    await flush();
    r();
    client.presence.watch('bob');
    await flush();
    expect(socket.of('presence:unsubscribe')).toHaveLength(0);
    expect(socket.of('presence:subscribe')).toHaveLength(1);
    expect(client.presence.isOnline('bob')).toBe(true);
  });

  it('follows user:online / user:offline; per-user identity and listeners change only for that user', async () => {
    const { client, socket } = await connected();
    client.presence.watch(['bob', 'carol']);
    await flush();
    socket.reply('presence:subscribe', { ok: true, users: [{ userId: 'bob', online: false, lastSeen: 'T0' }, { userId: 'carol', online: true, since: 'T0' }] });
    await flush();
    const bob = client.presence.get('bob');
    const carol = client.presence.get('carol');
    const snap = client.presence.getSnapshot();
    expect(client.presence.getSnapshot()).toBe(snap);
    const onBob = vi.fn();
    const onCarol = vi.fn();
    const onAny = vi.fn();
    client.presence.subscribeUser('bob', onBob);
    client.presence.subscribeUser('carol', onCarol);
    client.presence.subscribe(onAny);

    socket.serverEmit('user:online', { userId: 'bob', at: 'T2' });
    expect(client.presence.get('bob')).toEqual({ online: true, since: 'T2', lastSeen: null });
    expect(client.presence.get('bob')).not.toBe(bob);
    expect(client.presence.get('carol')).toBe(carol);
    expect(onBob).toHaveBeenCalledTimes(1);
    expect(onCarol).not.toHaveBeenCalled();
    expect(onAny).toHaveBeenCalledTimes(1);
    expect(client.presence.getSnapshot()).not.toBe(snap);

    socket.serverEmit('user:online', { userId: 'bob', at: 'T2' }); // same state: nothing
    expect(onBob).toHaveBeenCalledTimes(1);
    socket.serverEmit('user:offline', { userId: 'bob', lastSeen: 'T3' });
    expect(client.presence.get('bob')).toEqual({ online: false, since: null, lastSeen: 'T3' });
    expect(client.presence.isOnline('bob')).toBe(false);
    socket.serverEmit('user:online', { userId: 'stranger', at: 'T4' }); // not watched
    expect(client.presence.get('stranger')).toBeUndefined();
    expect(onAny).toHaveBeenCalledTimes(2);
  });

  it('resubscribes every watched user after a reconnect', async () => {
    vi.useFakeTimers();
    try {
      const { client, socket } = await connected();
      client.presence.watch(['bob', 'carol']);
      client.presence.watch('dave');
      await flush();
      socket.drop();
      await vi.advanceTimersByTimeAsync(1000);
      socket.accept('me');
      expect(subscribed(socket)).toEqual([['bob', 'carol', 'dave'], ['bob', 'carol', 'dave']]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('watches made offline are subscribed on connect', async () => {
    const made = fakeClient();
    client = made.client;
    made.client.presence.watch('bob');
    await flush();
    expect(made.socket.sent).toHaveLength(0);
    made.client.connect();
    await flush();
    made.socket.accept();
    expect(subscribed(made.socket)).toEqual([['bob']]);
  });

  describe('watches in the handshake (protocol v1.1)', () => {
    const lastAuth = (socket: FakeSocket) => socket.attempts.at(-1) as { presence?: string[] };

    it('names the watched ids in the handshake and applies the answer before the connected event; no presence:subscribe', async () => {
      const { client: c, socket } = fakeClient();
      client = c;
      c.presence.watch(['bob', 'carol']);
      c.connect();
      await flush();
      expect(lastAuth(socket).presence).toEqual(['bob', 'carol']);
      let atConnected: unknown;
      c.onLifecycle('connected', () => (atConnected = c.presence.get('bob')));
      socket.accept('me', { presence: { ok: true, users: [{ userId: 'bob', online: true, since: 'T1' }, { userId: 'carol', online: false }] } });
      await flush();
      expect(atConnected).toEqual({ online: true, since: 'T1', lastSeen: null });
      expect(c.presence.get('carol')).toEqual({ online: false, since: null, lastSeen: null });
      expect(socket.of('presence:subscribe')).toEqual([]);
    });

    it('names nothing when nothing is watched, and at most 1,000 ids; the rest go through presence:subscribe', async () => {
      const { client: c, socket } = fakeClient();
      client = c;
      c.connect();
      await flush();
      // Sent as JSON: an undefined field is not on the wire.
      expect(JSON.parse(JSON.stringify(lastAuth(socket)))).not.toHaveProperty('presence');
      socket.drop('transport close');
      c.presence.watch(ids(1200));
      await flush();
      c.reconnect();
      await flush();
      expect(lastAuth(socket).presence).toEqual(ids(1000));
      socket.accept('me', { presence: { ok: true, users: [] } });
      await flush();
      expect(subscribed(socket)).toEqual([ids(1200).slice(1000)]);
    });

    it('a watch added between the handshake and its answer is subscribed alone; one released meanwhile is unsubscribed', async () => {
      const { client: c, socket } = fakeClient();
      client = c;
      const releaseBob = c.presence.watch(['bob']);
      c.presence.watch(['carol']);
      c.connect();
      await flush();
      expect(lastAuth(socket).presence).toEqual(['bob', 'carol']);
      c.presence.watch('dave');
      releaseBob();
      await flush();
      socket.accept('me', { presence: { ok: true, users: [{ userId: 'bob', online: false }, { userId: 'carol', online: false }] } });
      await flush();
      expect(subscribed(socket)).toEqual([['dave']]);
      expect(subscribed(socket, 'presence:unsubscribe')).toEqual([['bob']]);
      expect(c.presence.get('bob')).toBeUndefined();
    });

    it('a refused list, or no answer (a v1 server), subscribes every watched id with presence:subscribe', async () => {
      for (const established of [{ presence: { ok: false, error: { code: 'PAYLOAD_TOO_LARGE', message: 'too many' } } }, {}]) {
        const { client: c, socket } = fakeClient();
        client = c;
        c.presence.watch(['bob', 'carol']);
        c.connect();
        await flush();
        socket.accept('me', established);
        await flush();
        expect(subscribed(socket)).toEqual([['bob', 'carol']]);
        c.destroy();
      }
    });
  });
});
