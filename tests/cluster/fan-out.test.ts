/**
 * Two socketkit nodes (real processes) on one Redis and one PostgreSQL;
 * clients connect straight to either node (server-v1.md, "Several nodes").
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { Ack, ConversationCreateResult, Message, MessageSendResult, PresenceListResult, PresenceSubscribeResult } from 'socketkit/protocol';
import { collect, emitAck, once, waitFor } from '../support/wait.js';
import { closeClients, connectTo, killAllNodes, request, signToken, startNode, startServices, onlineUsers, presenceOf, type Services, type TestNode } from './support/cluster.js';

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

async function createConversation(creator: Socket, participantIds: string[]): Promise<string> {
  const ack = await emitAck<Ack<ConversationCreateResult>>(creator, 'conversation:create', { participantIds }, 10_000);
  if (!ack.ok) throw new Error(ack.error.message);
  return ack.conversation.id;
}

/** A round trip on each socket: events emitted before it have arrived. */
async function settle(...sockets: Socket[]): Promise<void> {
  await Promise.all(sockets.map((socket) => emitAck(socket, 'presence:list', {}, 10_000)));
}

describe('two nodes behave as one server', () => {
  it('message:new, user:typing, notification:new and broadcasts reach sockets on every node, each once', async () => {
    const alice = await connectTo(a, 'alice');
    const bobOnB = await connectTo(b, 'bob');
    const bobOnA = await connectTo(a, 'bob');
    const carolOnB = await connectTo(b, 'carol');
    const conversationId = await createConversation(alice, ['bob', 'carol']);
    for (const socket of [alice, bobOnB, bobOnA, carolOnB]) {
      expect(await emitAck<Ack>(socket, 'conversation:join', conversationId, 10_000)).toMatchObject({ ok: true });
    }
    const receivers = [bobOnB, bobOnA, carolOnB];
    const messages = receivers.map((socket) => collect<Message>(socket, 'message:new'));
    const typing = receivers.map((socket) => collect<{ isTyping: boolean }>(socket, 'user:typing'));
    const notifications = [bobOnB, bobOnA].map((socket) => collect(socket, 'notification:new'));
    const custom = [alice, ...receivers].map((socket) => collect(socket, 'team:event'));

    await emitAck(alice, 'typing:start', { conversationId }, 10_000);
    const sent = await emitAck<Ack<MessageSendResult>>(
      alice,
      'message:send',
      { conversationId, content: 'hello both nodes', clientMessageId: 'm-1' },
      10_000,
    );
    expect(sent.ok).toBe(true);
    const notification = { id: 'n1', title: 'Hi', body: 'from the backend', createdAt: new Date().toISOString() };
    // The server API on node a emits to bob's sockets on both nodes; on node b to the conversation's room.
    expect((await request(a, '/server/users/bob/emit', { event: 'notification:new', data: notification })).status).toBe(200);
    expect((await request(b, `/server/conversations/${conversationId}/emit`, { event: 'team:event', data: { n: 1 } })).status).toBe(200);

    await waitFor(() => messages.every((c) => c.events.length >= 1), { timeoutMs: 10_000 });
    await waitFor(() => notifications.every((c) => c.events.length >= 1), { timeoutMs: 10_000 });
    await waitFor(() => custom.every((c) => c.events.length >= 1), { timeoutMs: 10_000 });
    // typing:start, then the message ends typing: true then false.
    await waitFor(() => typing.every((c) => c.events.length >= 2), { timeoutMs: 10_000 });
    await settle(alice, ...receivers);
    for (const c of messages) expect(c.events.map((m) => m.content)).toEqual(['hello both nodes']);
    for (const c of notifications) expect(c.events).toEqual([notification]);
    for (const c of custom) expect(c.events).toEqual([{ n: 1 }]);
    for (const c of typing) expect(c.events.map((e) => e.isTyping)).toEqual([true, false]);
  });

  it('seq stays contiguous and idempotency holds with senders on different nodes', async () => {
    const aliceA = await connectTo(a, 'alice');
    const bobB = await connectTo(b, 'bob');
    const conversationId = await createConversation(aliceA, ['bob']);
    const send = (socket: Socket, key: string) =>
      emitAck<Ack<MessageSendResult>>(socket, 'message:send', { conversationId, content: key, clientMessageId: key }, 20_000);
    const acks = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? send(aliceA, `a-${i}`) : send(bobB, `b-${i}`))),
    );
    const seqs = acks.map((ack) => (ack.ok ? ack.message.seq : -1)).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));

    // The same clientMessageId again, from the same user on the other node: the stored message, no new seq.
    const aliceB = await connectTo(b, 'alice');
    const first = acks[0];
    const retry = await send(aliceB, 'a-0');
    expect(retry.ok && first?.ok && retry.message).toEqual(first?.ok && first.message);
    const history = await emitAck<Ack<{ messages: Message[] }>>(aliceB, 'conversation:history', { conversationId, limit: 100 }, 10_000);
    expect(history.ok && history.messages.map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('presence is cluster-wide: online while any socket anywhere, one user:online and one user:offline per transition', async () => {
    const watcherA = await connectTo(a, 'watcher-a');
    const watcherB = await connectTo(b, 'watcher-b');
    for (const watcher of [watcherA, watcherB]) await emitAck(watcher, 'presence:subscribe', { userIds: ['dave'] }, 10_000);
    const online = [watcherA, watcherB].map((w) => collect(w, 'user:online'));
    const offline = [watcherA, watcherB].map((w) => collect(w, 'user:offline'));

    const daveA = await connectTo(a, 'dave');
    const daveB = await connectTo(b, 'dave');
    await waitFor(() => online.every((c) => c.events.length === 1), { timeoutMs: 10_000 });

    // Every node answers for every node: presence:subscribe, presence:list, isUserOnline.
    const answer = await emitAck<Ack<PresenceSubscribeResult>>(watcherB, 'presence:subscribe', { userIds: ['dave'] }, 10_000);
    expect(answer.ok && answer.users[0]).toMatchObject({ userId: 'dave', online: true });
    daveB.disconnect();
    // Still connected on node a: nobody hears user:offline.
    await waitFor(async () => (await onlineUsers(b)).includes('dave'), { timeoutMs: 10_000 });
    expect((await presenceOf(b, 'dave')).online).toBe(true);
    const list = await emitAck<Ack<PresenceListResult>>(watcherB, 'presence:list', {}, 10_000);
    expect(list.ok && list.users.map((u) => u.userId)).toContain('dave');
    await settle(watcherA, watcherB);
    expect(offline.map((c) => c.events.length)).toEqual([0, 0]);

    daveA.disconnect();
    await waitFor(() => offline.every((c) => c.events.length === 1), { timeoutMs: 10_000 });
    await waitFor(async () => (await presenceOf(b, 'dave')).online === false, { timeoutMs: 10_000 });
    expect(await onlineUsers(a)).not.toContain('dave');
    await settle(watcherA, watcherB);
    expect(online.map((c) => c.events.length)).toEqual([1, 1]);
    expect(offline.map((c) => c.events.length)).toEqual([1, 1]);
  });

  it('tabs opening and closing at once on both nodes: still exactly one user:online and one user:offline', async () => {
    const watchers = await Promise.all([connectTo(a, 'watcher-c'), connectTo(b, 'watcher-d')]);
    for (const watcher of watchers) await emitAck(watcher, 'presence:subscribe', { userIds: ['lena'] }, 10_000);
    const online = watchers.map((w) => collect(w, 'user:online'));
    const offline = watchers.map((w) => collect(w, 'user:offline'));
    const tabs = await Promise.all(Array.from({ length: 16 }, (_, i) => connectTo(i % 2 === 0 ? a : b, 'lena')));
    await waitFor(() => online.every((c) => c.events.length >= 1), { timeoutMs: 10_000 });
    for (const tab of tabs) tab.disconnect();
    await waitFor(() => offline.every((c) => c.events.length >= 1), { timeoutMs: 10_000 });
    await waitFor(async () => !(await presenceOf(a, 'lena')).online, { timeoutMs: 10_000 });
    await settle(...watchers);
    expect(online.map((c) => c.events.length)).toEqual([1, 1]);
    expect(offline.map((c) => c.events.length)).toEqual([1, 1]);
  });

  it('joining a conversation on one node watches participants who connect to the other', async () => {
    const erin = await connectTo(a, 'erin');
    const frank = await connectTo(b, 'frank');
    const conversationId = await createConversation(erin, ['frank']);
    await emitAck(erin, 'conversation:join', conversationId, 10_000);
    const offline = once<{ userId: string }>(erin, 'user:offline', 10_000);
    frank.disconnect();
    expect((await offline).userId).toBe('frank');
    const online = once<{ userId: string }>(erin, 'user:online', 10_000);
    await connectTo(b, 'frank');
    expect((await online).userId).toBe('frank');
  });

  it('a user watched explicitly and through two conversations, by watchers on both nodes: each change once per watcher; leaving stops it', async () => {
    const watcherA = await connectTo(a, 'gina');
    const watcherB = await connectTo(b, 'gina');
    const first = await createConversation(watcherA, ['hugo', 'ivan']);
    const second = await createConversation(watcherA, ['hugo']);
    for (const watcher of [watcherA, watcherB]) {
      await emitAck(watcher, 'presence:subscribe', { userIds: ['hugo'] }, 10_000);
      await emitAck(watcher, 'conversation:join', first, 10_000);
      await emitAck(watcher, 'conversation:join', second, 10_000);
    }
    const online = [watcherA, watcherB].map((w) => collect<{ userId: string }>(w, 'user:online'));
    const offline = [watcherA, watcherB].map((w) => collect<{ userId: string }>(w, 'user:offline'));
    const hugo = await connectTo(b, 'hugo');
    await connectTo(a, 'ivan');
    await waitFor(() => online.every((c) => c.events.length === 2), { timeoutMs: 10_000 });
    hugo.disconnect();
    await waitFor(() => offline.every((c) => c.events.length === 1), { timeoutMs: 10_000 });
    await settle(watcherA, watcherB);
    for (const c of online) expect(c.events.map((e) => e.userId).sort()).toEqual(['hugo', 'ivan']);
    for (const c of offline) expect(c.events.map((e) => e.userId)).toEqual(['hugo']);

    // Leaving both conversations and unsubscribing on node b: b's socket hears no more, a's still does.
    await emitAck(watcherB, 'conversation:leave', first, 10_000);
    await emitAck(watcherB, 'conversation:leave', second, 10_000);
    await emitAck(watcherB, 'presence:unsubscribe', { userIds: ['hugo'] }, 10_000);
    await connectTo(a, 'hugo');
    await waitFor(() => (online[0]?.events.length ?? 0) === 3, { timeoutMs: 10_000 });
    await settle(watcherA, watcherB);
    expect(online[1]?.events).toHaveLength(2);
  });

  it('a v1.1 client on a cluster gets user:online/user:offline (batches are single-node)', async () => {
    const watcher = await connectTo(a, 'jack', { auth: { token: signToken('jack'), protocol: '1.1' } });
    await emitAck(watcher, 'presence:subscribe', { userIds: ['kate'] }, 10_000);
    const online = once<{ userId: string }>(watcher, 'user:online', 10_000);
    const batches = collect(watcher, 'presence:changes');
    await connectTo(b, 'kate');
    expect((await online).userId).toBe('kate');
    await settle(watcher);
    expect(batches.events).toEqual([]);
  });

  it('a v1.1 client naming users in its handshake on one node hears them change on the other', async () => {
    const mia = await connectTo(b, 'mia');
    const watcher = await connectTo(a, 'olga', { auth: { token: signToken('olga'), protocol: '1.1', presence: ['mia', 'noah'] } });
    const online = once<{ userId: string }>(watcher, 'user:online', 10_000);
    await connectTo(b, 'noah');
    expect((await online).userId).toBe('noah');
    const offline = once<{ userId: string }>(watcher, 'user:offline', 10_000);
    mia.disconnect();
    expect((await offline).userId).toBe('mia');
  });
});
