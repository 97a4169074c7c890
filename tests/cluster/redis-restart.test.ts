/**
 * Redis restarts (empty: persistence is off) while the nodes run: `/ready`
 * reports it, and the nodes recover (server-v1.md, "Command line" and
 * "Several nodes").
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import type { Socket } from 'socket.io-client';
import type { Ack, ConversationCreateResult, Message, PresenceListResult } from 'socketkit/protocol';
import { collect, emitAck, once, waitFor } from '../support/wait.js';
import { closeClients, connectTo, killAllNodes, localConnections, request, startNode, startServices, presenceOf, type Services, type TestNode } from './support/cluster.js';

let services: Services;
let a: TestNode;
let b: TestNode;

const PREFIX = 'socketkit:presence:';

/** `watcher` subscribes to `userIds` and waits until every node (and so the watcher) has them online. */
async function watchOnline(watcher: Socket, userIds: string[], nodes: TestNode[]): Promise<void> {
  await emitAck(watcher, 'presence:subscribe', { userIds }, 10_000);
  for (const node of nodes) {
    for (const userId of userIds) await waitFor(async () => (await presenceOf(node, userId)).online, { timeoutMs: 10_000 });
  }
}

/**
 * After the loss: `gone` is announced offline to the watcher within
 * `withinMs` of `since`, every node reads it offline, `staying` stay
 * online, and 3 s later nothing else was announced (once, nobody else).
 */
async function expectOnlyGoneAnnounced(
  offline: { events: { userId: string }[] },
  gone: string,
  staying: string[],
  nodes: TestNode[],
  since: number,
  withinMs: number,
): Promise<void> {
  await waitFor(() => offline.events.some((event) => event.userId === gone), { timeoutMs: 30_000, intervalMs: 50, message: `${gone} offline` });
  expect(performance.now() - since).toBeLessThan(withinMs);
  for (const node of nodes) {
    await waitFor(async () => !(await presenceOf(node, gone)).online, { timeoutMs: 10_000 });
    for (const userId of staying) expect((await presenceOf(node, userId)).online).toBe(true);
  }
  await new Promise((resolve) => setTimeout(resolve, 3000));
  expect(offline.events.map((event) => event.userId)).toEqual([gone]);
}

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

    // Grace (0 here) + two heartbeats (2 s each) + the reconciliation, with room for this loaded machine.
    await expectOnlyGoneAnnounced(offline, 'erin', ['frank', 'dave'], [a, b], backAt, 15_000);
    frank.disconnect();
  }, 90_000);

  it('a user in grace when Redis lost its data is announced offline once, after the grace; the others stay online', async () => {
    const c = await startNode(services, { nodeId: 'c', graceMs: 3000 });
    try {
      const gina = await connectTo(c, 'gina');
      const hugo = await connectTo(c, 'hugo');
      const dave = await connectTo(a, 'dave');
      await watchOnline(dave, ['gina', 'hugo'], [a, b, c]);
      const offline = collect<{ userId: string }>(dave, 'user:offline');

      gina.disconnect(); // her grace starts in Redis…
      const redis = createClient({ url: services.redis.url });
      await redis.connect();
      try {
        await waitFor(async () => (await redis.zScore(`${PREFIX}grace`, 'gina')) !== null, { timeoutMs: 10_000, intervalMs: 20 });
      } finally {
        await redis.close();
      }
      await services.redis.kill(); // …and Redis forgets it before it ends
      for (const node of [a, b, c]) await waitFor(async () => (await request(node, '/ready')).status === 503, { timeoutMs: 10_000 });
      await services.redis.start();
      const backAt = performance.now();

      // Grace (3 s on c) + two heartbeats + the reconciliation, with room for this loaded machine.
      await expectOnlyGoneAnnounced(offline, 'gina', ['hugo', 'dave'], [a, b, c], backAt, 18_000);
      hugo.disconnect();
    } finally {
      await c.kill();
    }
  }, 90_000);

  it('a heartbeat that fails (needsResync, not rejoined) while Redis lost its data: the user who left meanwhile is announced offline once', async () => {
    const lena = await connectTo(b, 'lena');
    const mia = await connectTo(b, 'mia');
    const dave = await connectTo(a, 'dave');
    await watchOnline(dave, ['lena', 'mia'], [a, b]);
    const offline = collect<{ userId: string }>(dave, 'user:offline');
    const outputs = [a.output().length, b.output().length];

    const redis = createClient({ url: services.redis.url });
    await redis.connect();
    try {
      // Redis loses its data without dropping a connection (no replica reload), and every heartbeat fails.
      await redis.multi().flushAll().set(`${PREFIX}nodes`, 'not a sorted set').exec();
      for (const [i, node] of [a, b].entries()) {
        await waitFor(() => node.output().slice(outputs[i]).includes('heartbeat failed'), { timeoutMs: 10_000, message: `${node.nodeId} heartbeat failed` });
      }
      lena.disconnect(); // leaves while Redis knows nobody: nobody announces her
      await waitFor(async () => (await localConnections(b)) === 1, { timeoutMs: 10_000 });
      // As if each node's heartbeat had re-added it before failing: the next heartbeat sees rejoined = 0.
      const deadline = Date.now() + 60_000;
      await redis
        .multi()
        .del(`${PREFIX}nodes`)
        .zAdd(`${PREFIX}nodes`, [
          { score: deadline, value: 'a' },
          { score: deadline, value: 'b' },
        ])
        .exec();
    } finally {
      await redis.close();
    }
    const healedAt = performance.now();

    await expectOnlyGoneAnnounced(offline, 'lena', ['mia', 'dave'], [a, b], healedAt, 15_000);
    mia.disconnect();
  }, 90_000);

  it('a node that restarted during the outage: the users it held who did not come back are announced offline once', async () => {
    const hank = await connectTo(b, 'hank');
    const ivy = await connectTo(a, 'ivy');
    const dave = await connectTo(a, 'dave');
    await watchOnline(dave, ['hank', 'ivy'], [a, b]);
    const offline = collect<{ userId: string }>(dave, 'user:offline');

    await services.redis.kill();
    for (const node of [a, b]) await waitFor(async () => (await request(node, '/ready')).status === 503, { timeoutMs: 10_000 });
    await b.kill('SIGKILL'); // b dies during the outage, with hank
    hank.disconnect();
    await services.redis.start();
    const backAt = performance.now();
    b = await startNode(services, { nodeId: 'b' }); // b's new life holds nobody

    await expectOnlyGoneAnnounced(offline, 'hank', ['ivy', 'dave'], [a, b], backAt, 25_000);
    ivy.disconnect();
  }, 120_000);
});
