/**
 * Redis restarts (empty: persistence is off) while the nodes run: `/ready`
 * reports it, and the nodes recover (server-v1.md, "Command line" and
 * "Several nodes").
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import type { Ack, ConversationCreateResult, Message, PresenceListResult } from 'socketkit/protocol';
import { collect, emitAck, once, waitFor } from '../support/wait.js';
import { closeClients, connectTo, killAllNodes, request, startNode, startServices, presenceOf, type Services, type TestNode } from './support/cluster.js';

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
});
