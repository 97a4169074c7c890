/**
 * Connection state recovery across nodes with the Redis Streams adapter, and
 * its traps (server-v1.md, "Several nodes" and "Known traps"), plus the grace
 * period across nodes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import type { Socket } from 'socket.io-client';
import type { Ack, ConversationCreateResult, Message, MessageSendResult } from 'socketkit/protocol';
import { collect, emitAck, once, waitFor } from '../support/wait.js';
import {
  closeClients,
  connectTo,
  killAllNodes,
  signToken,
  startNode,
  startServices,
  type Services,
  type TestNode,
} from './support/cluster.js';

const GRACE_MS = 1500;
let services: Services;
let a: TestNode;
let b: TestNode;
let redis: ReturnType<typeof createClient>;

beforeAll(async () => {
  services = await startServices();
  [a, b] = await Promise.all([
    startNode(services, { nodeId: 'a', graceMs: GRACE_MS }),
    startNode(services, { nodeId: 'b', graceMs: GRACE_MS }),
  ]);
  redis = createClient({ url: services.redis.url });
  await redis.connect();
});
afterEach(() => closeClients());
afterAll(async () => {
  await redis?.close();
  await killAllNodes();
  await services?.stop();
});

async function joinedConversation(first: Socket, second: Socket, secondId: string): Promise<string> {
  const ack = await emitAck<Ack<ConversationCreateResult>>(first, 'conversation:create', { participantIds: [secondId] }, 10_000);
  if (!ack.ok) throw new Error(ack.error.message);
  for (const socket of [first, second]) await emitAck(socket, 'conversation:join', ack.conversation.id, 10_000);
  return ack.conversation.id;
}

/** Cuts the client's transport (a network drop) and waits until its node saved the session in Redis. */
async function dropAndWaitForSession(socket: Socket): Promise<void> {
  const before = new Set(await redis.keys('sio:session:*'));
  const disconnected = once(socket, 'disconnect', 10_000);
  socket.io.engine.close();
  await disconnected;
  await waitFor(async () => (await redis.keys('sio:session:*')).some((key) => !before.has(key)), { timeoutMs: 10_000 });
}

/** Points the client's manager at another node (what a load balancer does when the first node is gone) and reconnects. */
function reconnectTo(socket: Socket, node: TestNode): void {
  (socket.io as unknown as { uri: string }).uri = node.url;
  socket.connect();
}

describe('connection state recovery across nodes', () => {
  it('a client dropped on node a recovers on node b: same session, rooms kept, the missed message delivered', async () => {
    const alice = await connectTo(a, 'alice');
    const bob = await connectTo(b, 'bob');
    const conversationId = await joinedConversation(alice, bob, 'bob');
    const received = collect<Message>(alice, 'message:new');
    const socketId = alice.id;

    await dropAndWaitForSession(alice);
    const missed = await emitAck<Ack<MessageSendResult>>(bob, 'message:send', { conversationId, content: 'while you were away', clientMessageId: 'away-1' }, 10_000);
    expect(missed.ok).toBe(true);

    const connected = once(alice, 'connect', 10_000);
    reconnectTo(alice, b);
    await connected;
    expect(alice.recovered).toBe(true);
    expect(alice.id).toBe(socketId);
    await waitFor(() => received.events.length === 1, { timeoutMs: 10_000 });
    expect(received.events[0]?.content).toBe('while you were away');

    // Live again, now on node b, in the rooms it had on node a.
    const live = once<Message>(alice, 'message:new', 10_000);
    await emitAck(bob, 'message:send', { conversationId, content: 'welcome to b', clientMessageId: 'away-2' }, 10_000);
    expect((await live).content).toBe('welcome to b');
  });

  it('a recovering socket is authenticated again on the new node: a token that expired meanwhile is refused', async () => {
    const alice = await connectTo(a, 'alice');
    await dropAndWaitForSession(alice);
    alice.auth = { token: signToken('alice', -60) };
    const refused = once<Error & { data?: { code: string } }>(alice, 'connect_error', 10_000);
    reconnectTo(alice, b);
    expect((await refused).data).toEqual({ code: 'TOKEN_EXPIRED' });
    expect(alice.connected).toBe(false);
  });

  it('auth:expired reaches the client before the server disconnects it (emit through the adapter, then disconnect)', async () => {
    const alice = await connectTo(a, 'alice', { token: signToken('alice', 2) });
    const expired = once<{ at: string }>(alice, 'auth:expired', 10_000);
    const disconnected = once<string>(alice, 'disconnect', 10_000);
    expect(Number.isNaN(Date.parse((await expired).at))).toBe(false);
    expect(await disconnected).toBe('io server disconnect');
  });
});

describe('the grace period across nodes', () => {
  it('a reload that lands on the other node never shows the user offline; leaving for good is announced once, after the grace', async () => {
    const watcher = await connectTo(b, 'watcher');
    await emitAck(watcher, 'presence:subscribe', { userIds: ['gina'] }, 10_000);
    const online = collect(watcher, 'user:online');
    const offline = collect<{ userId: string }>(watcher, 'user:offline');
    const first = await connectTo(a, 'gina');
    await waitFor(() => online.events.length === 1, { timeoutMs: 10_000 });

    first.disconnect();
    const second = await connectTo(b, 'gina');
    const pastGrace = Date.now() + GRACE_MS + 1000;
    await waitFor(() => Date.now() > pastGrace, { timeoutMs: GRACE_MS + 5000 });
    await emitAck(watcher, 'presence:list', {}, 10_000);
    expect([online.events.length, offline.events.length]).toEqual([1, 0]);

    const leftAt = Date.now();
    second.disconnect();
    await waitFor(() => offline.events.length === 1, { timeoutMs: GRACE_MS + 10_000 });
    expect(Date.now() - leftAt).toBeGreaterThanOrEqual(GRACE_MS - 100);
    await emitAck(watcher, 'presence:list', {}, 10_000);
    expect([online.events.length, offline.events.length]).toEqual([1, 1]);
  });
});
