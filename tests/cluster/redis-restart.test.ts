/**
 * Redis restarts (empty: persistence is off) while the nodes run: `/ready`
 * reports it, and the nodes recover (server-v1.md, "Command line" and
 * "Several nodes").
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import type { Ack, ConversationCreateResult, Message, PresenceListResult } from 'socketkit/protocol';
import { collect, emitAck, once, waitFor } from '../support/wait.js';
import { closeClients, connectTo, killAllNodes, localConnections, request, startNode, startServices, presenceOf, type Services, type TestNode } from './support/cluster.js';

let services: Services;
let a: TestNode;
let b: TestNode;

beforeAll(async () => {
  services = await startServices();
  [a, b] = await Promise.all([startNode(services, { nodeId: 'a' }), startNode(services, { nodeId: 'b' })]);
});
afterEach(() => closeClients());
afterAll(async () => {
  await killAllNodes();
  await services?.stop();
});

describe('a Redis restart while the nodes run', () => {
  it('/ready answers 503 while Redis is down; afterwards presence, broadcasts and new transitions work across nodes again', async () => {
    const alice = await connectTo(a, 'alice');
    const bob = await connectTo(b, 'bob');
    const created = await emitAck<Ack<ConversationCreateResult>>(alice, 'conversation:create', { participantIds: ['bob'] }, 10_000);
    if (!created.ok) throw new Error(created.error.message);
    const conversationId = created.conversation.id;
    await emitAck(alice, 'conversation:join', conversationId, 10_000);
    await emitAck(bob, 'conversation:join', conversationId, 10_000);
    for (const node of [a, b]) expect((await request(node, '/ready')).status).toBe(200);

    await services.redis.kill();
    for (const node of [a, b]) {
      await waitFor(async () => (await request(node, '/ready')).status === 503, { timeoutMs: 10_000 });
    }
    // Still alive and answering what needs no Redis.
    expect((await request(a, '/health')).status).toBe(200);

    await services.redis.start();
    for (const node of [a, b]) {
      await waitFor(async () => (await request(node, '/ready')).status === 200, { timeoutMs: 20_000 });
    }

    // Redis came back empty: each node re-registers the users it holds (in Redis, not only in its replica).
    const redis = createClient({ url: services.redis.url });
    await redis.connect();
    try {
      await waitFor(async () => Object.keys(await redis.hGetAll('socketkit:presence:online')).sort().join() === 'alice,bob', {
        timeoutMs: 20_000,
        intervalMs: 200,
      });
      expect(await redis.hGetAll('socketkit:presence:user:alice')).toEqual({ a: '1' });
    } finally {
      await redis.close();
    }
    await waitFor(
      async () => {
        const list = await emitAck<Ack<PresenceListResult>>(bob, 'presence:list', {}, 5000);
        return list.ok && ['alice', 'bob'].every((id) => list.users.some((u) => u.userId === id));
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    await waitFor(async () => (await presenceOf(a, 'bob')).online, { timeoutMs: 10_000 });

    // Broadcasts cross nodes again (the adapter's stream is recreated).
    await waitFor(
      async () => {
        const heard = once<Message>(bob, 'message:new', 1000);
        await emitAck(alice, 'message:send', { conversationId, content: 'after the restart', clientMessageId: `r-${Date.now()}` }, 5000);
        return (await heard.catch(() => null))?.content === 'after the restart';
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );

    // New transitions are announced across nodes, once.
    await emitAck(bob, 'presence:subscribe', { userIds: ['carol'] }, 10_000);
    const online = collect(bob, 'user:online');
    const carol = await connectTo(a, 'carol');
    await waitFor(() => online.events.length === 1, { timeoutMs: 10_000 });
    const offline = once<{ userId: string }>(bob, 'user:offline', 10_000);
    carol.disconnect();
    expect((await offline).userId).toBe('carol');
  });

  it('a user who left while Redis was away is announced offline once it is back empty; those still here stay online (issue 19, kind 4)', async () => {
    const dave = await connectTo(a, 'dave');
    const erin = await connectTo(b, 'erin');
    const frank = await connectTo(b, 'frank');
    await emitAck(dave, 'presence:subscribe', { userIds: ['erin', 'frank'] }, 10_000);
    await waitFor(async () => (await presenceOf(a, 'erin')).online && (await presenceOf(a, 'frank')).online, { timeoutMs: 10_000 });
    const offline = collect<{ userId: string }>(dave, 'user:offline');

    await services.redis.kill();
    for (const node of [a, b]) await waitFor(async () => (await request(node, '/ready')).status === 503, { timeoutMs: 10_000 });
    erin.disconnect(); // leaves during the outage: the node cannot tell Redis
    await waitFor(async () => (await localConnections(b)) === 1, { timeoutMs: 10_000 });
    await services.redis.start();
    const backAt = performance.now();

    // Grace (0 here) + one heartbeat (2 s) + the reconciliation, with room for this loaded machine.
    await waitFor(() => offline.events.some((event) => event.userId === 'erin'), { timeoutMs: 30_000, intervalMs: 50, message: 'erin offline' });
    expect(performance.now() - backAt).toBeLessThan(15_000);
    for (const node of [a, b]) {
      await waitFor(async () => !(await presenceOf(node, 'erin')).online, { timeoutMs: 10_000 });
      expect((await presenceOf(node, 'frank')).online).toBe(true);
    }
    // Announced once, however many nodes reconciled; nobody else.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(offline.events.map((event) => event.userId)).toEqual(['erin']);
    frank.disconnect();
  }, 90_000);
});
