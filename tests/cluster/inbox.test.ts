/**
 * The inbox across two socketkit nodes (real processes) on one Redis and
 * one PostgreSQL: read state, receipts, conversation:updated and stored
 * notifications reach every socket of a user on every node, once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type {
  Ack,
  ConversationCreateResult,
  ConversationReadResult,
  ConversationUpdatedPayload,
  MessageSendResult,
  NotificationListResult,
  NotificationReadStatePayload,
  NotificationResponse,
  ReadReceiptPayload,
  StoredNotification,
} from 'socketkit/protocol';
import { collect, emitAck, waitFor } from '../support/wait.js';
import { closeClients, connectTo, killAllNodes, request, startNode, startServices, type Services, type TestNode } from './support/cluster.js';

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

/** A round trip on each socket: events emitted before it have arrived. */
async function settle(...sockets: Socket[]): Promise<void> {
  await Promise.all(sockets.map((socket) => emitAck(socket, 'presence:list', {}, 10_000)));
}

describe('inbox on two nodes', () => {
  it('two devices of one user on two nodes: one reads, the other gets the read state; receipts and updates reach each socket once', async () => {
    const bob = await connectTo(a, 'bob');
    const phone = await connectTo(a, 'alice');
    const laptop = await connectTo(b, 'alice');
    const bobOnB = await connectTo(b, 'bob');
    const created = await emitAck<Ack<ConversationCreateResult>>(bob, 'conversation:create', { participantIds: ['alice'] }, 10_000);
    if (!created.ok) throw new Error(created.error.message);
    const conversationId = created.conversation.id;
    expect(await emitAck<Ack>(bobOnB, 'conversation:join', conversationId, 10_000)).toMatchObject({ ok: true });

    // Neither alice socket is joined: bob's messages reach both as conversation:updated, each once.
    const updates = [phone, laptop].map((s) => collect<ConversationUpdatedPayload>(s, 'conversation:updated'));
    for (let i = 1; i <= 3; i++) {
      const sent = await emitAck<Ack<MessageSendResult>>(bob, 'message:send', { conversationId, content: `m${i}`, clientMessageId: `c${i}` }, 10_000);
      expect(sent.ok).toBe(true);
    }
    await waitFor(() => updates.every((u) => u.events.length >= 3), { timeoutMs: 10_000 });

    const laptopStates = collect<ConversationReadResult>(laptop, 'conversation:read-state');
    const phoneStates = collect<ConversationReadResult>(phone, 'conversation:read-state');
    const receipts = collect<ReadReceiptPayload>(bobOnB, 'receipt:read');
    const aliceReceipts = [phone, laptop].map((s) => collect(s, 'receipt:read'));
    const started = performance.now();
    const ack = await emitAck<Ack<ConversationReadResult>>(phone, 'conversation:read', { conversationId, seq: 3 }, 10_000);
    expect(ack).toEqual({ ok: true, conversationId, lastReadSeq: 3, unreadCount: 0 });
    await waitFor(() => laptopStates.events.length >= 1, { timeoutMs: 1000 });
    expect(performance.now() - started).toBeLessThan(1000);
    await waitFor(() => receipts.events.length >= 1, { timeoutMs: 10_000 });
    await settle(bob, phone, laptop, bobOnB);
    for (const u of updates) expect(u.events.map((e) => e.lastSeq)).toEqual([1, 2, 3]);
    expect(laptopStates.events).toEqual([{ conversationId, lastReadSeq: 3, unreadCount: 0 }]);
    expect(phoneStates.events).toEqual([{ conversationId, lastReadSeq: 3, unreadCount: 0 }]);
    expect(receipts.events).toEqual([{ conversationId, userId: 'alice', seq: 3 }]);
    for (const r of aliceReceipts) expect(r.events).toEqual([]);
  }, 60_000);

  it('a notification reaches both devices once, is stored for the other node, and its read state syncs across nodes', async () => {
    const phone = await connectTo(a, 'nina');
    const laptop = await connectTo(b, 'nina');
    const arrivals = [phone, laptop].map((s) => collect<StoredNotification>(s, 'notification:new'));
    const sent = await request<NotificationResponse>(a, '/server/users/nina/notifications', { title: 'Deploy', body: 'done' });
    expect(sent.status).toBe(201);
    // In a cluster the sending node cannot count other nodes' sockets.
    expect(sent.body.delivered).toBeNull();
    await waitFor(() => arrivals.every((c) => c.events.length >= 1), { timeoutMs: 10_000 });

    const listed = await emitAck<Ack<NotificationListResult>>(laptop, 'notification:list', {}, 10_000);
    expect(listed).toMatchObject({ ok: true, unreadCount: 1, notifications: [sent.body.notification] });
    const readStates = [phone, laptop].map((s) => collect<NotificationReadStatePayload>(s, 'notification:read-state'));
    expect(await emitAck(laptop, 'notification:read', { ids: [sent.body.notification.id] }, 10_000)).toEqual({ ok: true, unreadCount: 0 });
    await waitFor(() => readStates.every((c) => c.events.length >= 1), { timeoutMs: 10_000 });
    await settle(phone, laptop);
    for (const c of arrivals) expect(c.events).toEqual([sent.body.notification]);
    for (const c of readStates) expect(c.events).toEqual([{ ids: [sent.body.notification.id], unreadCount: 0 }]);
  }, 60_000);
});
