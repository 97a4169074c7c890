/**
 * HTTP long-polling behind a load balancer: the documented HAProxy
 * configuration (cookie insert) in front of two nodes, polling-only clients
 * (server-v1.md, "Several nodes": "HTTP long-polling needs cookie affinity").
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { createRealtimeClient, type RealtimeClient } from 'socketkit';
import type { Ack, ConversationCreateResult, Message } from 'socketkit/protocol';
import { startHaproxy, type TestHaproxy } from '../support/haproxy.js';
import { collect, emitAck, once, waitFor } from '../support/wait.js';
import {
  closeClients,
  connectTo,
  killAllNodes,
  localConnections,
  onlineUsers,
  signToken,
  startNode,
  startServices,
  type Services,
  type TestNode,
} from './support/cluster.js';

let services: Services;
let a: TestNode;
let b: TestNode;
let proxy: TestHaproxy;
const raw = new Set<Socket>();
const clients = new Set<RealtimeClient>();

beforeAll(async () => {
  services = await startServices();
  [a, b] = await Promise.all([startNode(services, { nodeId: 'a' }), startNode(services, { nodeId: 'b' })]);
  proxy = await startHaproxy([a.port, b.port]);
});
afterEach(() => {
  closeClients();
  for (const socket of raw) socket.disconnect();
  raw.clear();
  for (const client of clients) client.destroy();
  clients.clear();
});
afterAll(async () => {
  await proxy?.stop();
  await killAllNodes();
  await services?.stop();
});

describe('long-polling through the documented HAProxy configuration', () => {
  it('polling-only clients keep their sessions on both nodes and talk across them', async () => {
    const users = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'];
    // withCredentials: a Node client keeps the load balancer's cookie only then (a browser always does).
    const sockets = await Promise.all(
      users.map((userId) => connectTo(proxy, userId, { transports: ['polling'], withCredentials: true })),
    );
    // Round robin spread the sessions over both nodes.
    const local = await Promise.all([a, b].map((node) => localConnections(node)));
    expect(local.map((n) => n > 0)).toEqual([true, true]);
    expect(local[0]! + local[1]!).toBe(users.length);
    const [first, ...others] = sockets as [Socket, ...Socket[]];
    const created = await emitAck<Ack<ConversationCreateResult>>(first, 'conversation:create', { participantIds: users.slice(1) }, 10_000);
    if (!created.ok) throw new Error(created.error.message);
    for (const socket of sockets) await emitAck(socket, 'conversation:join', created.conversation.id, 10_000);
    const heard = others.map((socket) => collect<Message>(socket, 'message:new'));
    // Several polling cycles: each request must land on the session's node.
    for (let i = 0; i < 5; i++) {
      await emitAck(first, 'message:send', { conversationId: created.conversation.id, content: `poll ${i}`, clientMessageId: `poll-${i}` }, 10_000);
    }
    await waitFor(() => heard.every((c) => c.events.length === 5), { timeoutMs: 15_000 });
    for (const socket of sockets) {
      expect(socket.connected).toBe(true);
      expect(socket.io.engine.transport.name).toBe('polling');
    }
  });

  it('without the cookie the same balancer breaks polling sessions (why affinity is needed)', async () => {
    const socket = io(proxy.url, {
      forceNew: true,
      reconnection: false,
      transports: ['polling'],
      auth: { token: signToken('nocookie') },
    });
    raw.add(socket);
    // Handshake on one node, the next request on the other: "Session ID unknown".
    const failed = await Promise.race([
      once(socket, 'connect_error', 15_000).then(() => true),
      once(socket, 'disconnect', 15_000).then(() => true),
    ]);
    expect(failed).toBe(true);
  });

  it("issue 20: socketkit's client with only the documented options connects over polling (it sends the balancer's cookie)", async () => {
    const users = ['sk0', 'sk1', 'sk2', 'sk3'];
    for (const userId of users) {
      clients.add(createRealtimeClient({ url: proxy.url, token: signToken(userId), socketOptions: { transports: ['polling'] } }));
    }
    await waitFor(() => [...clients].every((c) => c.connection.getSnapshot().status === 'connected'), {
      timeoutMs: 15_000,
      message: 'every polling client connected',
    });
    // Several requests each: every one lands on the session's node.
    for (const client of clients) await client.request('presence:list', {});
    expect([...clients].map((c) => c.connection.getSnapshot().status)).toEqual(users.map(() => 'connected'));
    expect((await onlineUsers(a)).filter((id) => users.includes(id)).sort()).toEqual(users);
  });

  it('issue 20: polling sessions broken by a missing cookie never count their user online', async () => {
    const users = ['broken0', 'broken1', 'broken2', 'broken3', 'broken4', 'broken5'];
    const sockets = users.map((userId) => {
      const socket = io(proxy.url, { forceNew: true, reconnection: false, transports: ['polling'], auth: { token: signToken(userId) } });
      raw.add(socket);
      return socket;
    });
    // Each session breaks (its requests split between the nodes), or, when round robin happened
    // to keep its first requests together, connects and breaks later: only the broken ones count.
    const outcomes = await Promise.all(
      sockets.map((socket) =>
        Promise.race([
          once(socket, 'connect_error', 15_000).then(() => 'broken' as const),
          once(socket, 'disconnect', 15_000).then(() => 'broken' as const),
          once(socket, 'connect', 15_000).then(() => 'connected' as const),
        ]),
      ),
    );
    const broken = users.filter((_, i) => outcomes[i] === 'broken');
    expect(broken.length).toBeGreaterThan(0);
    // A CONNECT that reached a node before the session broke left an Engine.IO session there
    // until the ping timeout (85 s); it must not make its user online, on either node. Asked
    // several times: a CONNECT still in flight when the client gave up lands in the meantime.
    for (let round = 0; round < 5; round++) {
      for (const node of [a, b]) expect((await onlineUsers(node)).filter((id) => broken.includes(id))).toEqual([]);
    }
  });
});
