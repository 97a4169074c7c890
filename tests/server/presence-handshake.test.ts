import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionEstablishedPayload, PresenceChangesPayload } from 'socketkit/protocol';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { io } from 'socket.io-client';
import { createMemoryStore, createSocketkitServer, type SocketkitStore } from 'socketkit/server';
import { startServer, TEST_SECRET, type TestServer } from '../support/server.js';
import { collect, emitAck, waitFor } from '../support/wait.js';

let server: TestServer;
afterEach(async () => {
  await server?.cleanup();
});

/**
 * Connects `userId` with `auth` added to its token and resolves with the
 * socket and its `connection:established` payload.
 */
async function connectNaming(userId: string, auth: Record<string, unknown>) {
  const socket = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: server.token(userId), ...auth } });
  const established = await new Promise<ConnectionEstablishedPayload>((resolve, reject) => {
    socket.once('connection:established', resolve);
    socket.once('connect_error', reject);
  });
  return { socket, established };
}

describe('protocol v1.1: watches named in the handshake (auth.presence)', () => {
  it('subscribes them before connection:established, which carries the ack presence:subscribe would have had; changes follow', async () => {
    server = await startServer({ seed: 'none', presenceBatchMs: 20 });
    const bob = await server.connect('bob');
    const { socket: alice, established } = await connectNaming('alice', { protocol: '1.1', presence: ['bob', 'carol', 'bob'] });
    try {
      expect(established.presence).toEqual({
        ok: true,
        users: [
          { userId: 'bob', online: true, since: expect.any(String) },
          { userId: 'carol', online: false },
        ],
      });
      const batches = collect<PresenceChangesPayload>(alice, 'presence:changes');
      const carol = await server.connect('carol');
      bob.disconnect();
      await waitFor(() => batches.events.flatMap((b) => b.changes).length >= 2);
      const changes = batches.events.flatMap((b) => b.changes).map((c) => `${c.online ? '+' : '-'}${c.userId}`);
      expect(changes).toEqual(['+carol', '-bob']);

      // The handshake's watches are ordinary explicit watches: presence:unsubscribe ends them.
      await emitAck(alice, 'presence:unsubscribe', { userIds: ['carol'] });
      carol.disconnect();
      await waitFor(() => !server.socketkit.isUserOnline('carol'));
      await emitAck(alice, 'presence:list');
      expect(batches.events.flatMap((b) => b.changes).map((c) => c.userId)).toEqual(['carol', 'bob']);
    } finally {
      alice.disconnect();
    }
  });

  it('an invalid element is listed in invalid; the valid ids are still watched', async () => {
    server = await startServer({ seed: 'none', presenceBatchMs: 20 });
    const { socket: alice, established } = await connectNaming('alice', { protocol: '1.1', presence: ['bob', '', null, 7] });
    try {
      expect(established.presence).toMatchObject({
        ok: true,
        users: [
          { userId: 'bob', online: false },
          { userId: '7', online: false },
        ],
        invalid: [{ userId: '' }, { userId: null }],
      });
      const batches = collect<PresenceChangesPayload>(alice, 'presence:changes');
      await server.connect('bob');
      await waitFor(() => batches.events.length === 1);
      expect(batches.events[0]?.changes.map((c) => c.userId)).toEqual(['bob']);
    } finally {
      alice.disconnect();
    }
  });

  it.each([
    ['a string', 'bob', 'BAD_REQUEST'],
    ['an object', { userIds: ['bob'] }, 'BAD_REQUEST'],
    ['null', null, 'BAD_REQUEST'],
    ['1,001 ids', Array.from({ length: 1001 }, (_, i) => `u${i}`), 'PAYLOAD_TOO_LARGE'],
    ['an id over LIMITS.maxIdLength', ['bob', 'x'.repeat(129)], 'PAYLOAD_TOO_LARGE'],
  ])('a malformed list (%s) is refused in connection:established; the socket stays connected and nobody else is affected', async (_name, presence, code) => {
    server = await startServer({ seed: 'none' });
    const bystander = await server.connect('erin');
    const { socket: alice, established } = await connectNaming('alice', { protocol: '1.1', presence });
    try {
      expect(established.presence).toEqual({ ok: false, error: expect.objectContaining({ code }) });
      // Still connected and served; nothing was watched.
      await expect(emitAck(alice, 'presence:subscribe', { userIds: ['bob'] })).resolves.toMatchObject({ ok: true });
      expect(server.io.sockets.adapter.rooms.get('presence:u0')).toBeUndefined();
      expect(server.io.sockets.adapter.rooms.get('presence:bob')?.size ?? 0).toBeLessThanOrEqual(1);
      await expect(emitAck(bystander, 'presence:list')).resolves.toMatchObject({ ok: true });
      expect(bystander.connected).toBe(true);
    } finally {
      alice.disconnect();
    }
  });

  it('a v1 handshake (no protocol) naming users is not answered and watches nothing: v1 behaviour unchanged', async () => {
    server = await startServer({ seed: 'none' });
    const { socket: alice, established } = await connectNaming('alice', { presence: ['bob'] });
    try {
      expect(established).not.toHaveProperty('presence');
      expect(server.io.sockets.adapter.rooms.get('presence:bob')).toBeUndefined();
      const online = collect(alice, 'user:online');
      await server.connect('bob');
      await emitAck(alice, 'presence:list');
      expect(online.events).toEqual([]);
    } finally {
      alice.disconnect();
    }
  });

  it('an empty list is answered with no users', async () => {
    server = await startServer({ seed: 'none' });
    const { socket: alice, established } = await connectNaming('alice', { protocol: '1.1', presence: [] });
    try {
      expect(established.presence).toEqual({ ok: true, users: [] });
    } finally {
      alice.disconnect();
    }
  });

  it('with a store that answers its id late, the CONNECT answer waits for it and the snapshot is taken as connection:established is sent: no change arrives before it', async () => {
    const memory = createMemoryStore();
    let release = (): void => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let asked = 0;
    // The first handshake (bob's) is answered at once, the second (alice's) when released.
    const store: SocketkitStore = { ...memory, getStoreId: () => (++asked === 1 ? Promise.resolve('late-store') : gate.then(() => 'late-store')) };
    // They share a conversation: the default presence policy lets alice see bob.
    await memory.createConversation({ participantIds: ['alice', 'bob'], title: null, createdBy: 'alice' });
    const http = createServer();
    const socketkit = createSocketkitServer(http, { secret: TEST_SECRET, store, presenceBatchMs: 0, quiet: true });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const token = (userId: string) => jwt.sign({ userId }, TEST_SECRET, { expiresIn: 60 });
    const open = (userId: string, auth: Record<string, unknown>) =>
      io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: token(userId), ...auth } });
    const bob = open('bob', {});
    await waitFor(() => socketkit.isUserOnline('bob'), { timeoutMs: 3000 });
    const alice = open('alice', { protocol: '1.1', presence: ['bob'] });
    let bobAgain: ReturnType<typeof open> | undefined;
    try {
      const order: string[] = [];
      alice.onAny((event: string) => order.push(event));
      const established = new Promise<ConnectionEstablishedPayload>((resolve) => alice.once('connection:established', resolve));
      await waitFor(() => asked === 2, { timeoutMs: 3000 });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(alice.connected).toBe(false);
      // Bob leaves while alice's handshake waits for the store: her snapshot, taken when it is sent, says so.
      bob.disconnect();
      await waitFor(() => !socketkit.isUserOnline('bob'), { timeoutMs: 3000 });
      release();
      const payload = await established;
      expect(payload.storeId).toBe('late-store');
      expect(payload.presence).toEqual({ ok: true, users: [{ userId: 'bob', online: false, lastSeen: expect.any(String) }] });
      bobAgain = open('bob', {});
      await waitFor(() => order.includes('user:online'), { timeoutMs: 3000 });
      expect(order).toEqual(['connection:established', 'user:online']);
    } finally {
      alice.disconnect();
      bob.disconnect();
      bobAgain?.disconnect();
      await socketkit.close();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    }
  });

  it('no presence field: connection:established is exactly v1.1 without it', async () => {
    server = await startServer({ seed: 'none' });
    const { socket: alice, established } = await connectNaming('alice', { protocol: '1.1' });
    try {
      expect(Object.keys(established).sort()).toEqual(['serverTime', 'socketId', 'storeId', 'userId']);
    } finally {
      alice.disconnect();
    }
  });
});
