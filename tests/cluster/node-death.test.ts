/**
 * A node that dies without closing (SIGKILL) during traffic, and a node that
 * starts again under a dead node's id (server-v1.md, "Several nodes").
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { Ack, ConversationCreateResult, HistoryResult, Message, MessageSendResult } from 'socketkit/protocol';
import { collect, emitAck, waitFor } from '../support/wait.js';
import { closeClients, connectTo, killAllNodes, startNode, startServices, onlineUsers, presenceOf, type Services, type TestNode } from './support/cluster.js';

const GRACE_MS = 1000;
let services: Services;
let survivor: TestNode;

beforeAll(async () => {
  services = await startServices();
  survivor = await startNode(services, { nodeId: 'survivor', graceMs: GRACE_MS });
});
afterEach(() => closeClients());
afterAll(async () => {
  await killAllNodes();
  await services?.stop();
});

async function history(socket: Socket, conversationId: string, afterSeq: number): Promise<Message[]> {
  const messages: Message[] = [];
  for (let cursor = afterSeq; ; ) {
    const page = await emitAck<Ack<HistoryResult>>(socket, 'conversation:history', { conversationId, afterSeq: cursor, limit: 100 }, 10_000);
    if (!page.ok) throw new Error(page.error.message);
    for (const message of page.messages) messages.push(message);
    if (!page.hasMore || page.messages.length === 0) return messages;
    cursor = page.messages[page.messages.length - 1]?.seq ?? cursor;
  }
}

describe('a node killed with SIGKILL during traffic', () => {
  it('loses no acknowledged message, takes its users offline within 15 s + grace, and leaves users connected elsewhere online', async () => {
    const doomed = await startNode(services, { nodeId: 'doomed', graceMs: GRACE_MS });
    const watcher = await connectTo(survivor, 'watcher');
    await emitAck(watcher, 'presence:subscribe', { userIds: ['sender', 'both'] }, 10_000);
    const offline = collect<{ userId: string }>(watcher, 'user:offline');

    const sender = await connectTo(doomed, 'sender');
    await connectTo(doomed, 'both');
    await connectTo(survivor, 'both');
    const receiver = await connectTo(survivor, 'receiver');
    const created = await emitAck<Ack<ConversationCreateResult>>(sender, 'conversation:create', { participantIds: ['receiver'] }, 10_000);
    if (!created.ok) throw new Error(created.error.message);
    const conversationId = created.conversation.id;
    await emitAck(sender, 'conversation:join', conversationId, 10_000);
    await emitAck(receiver, 'conversation:join', conversationId, 10_000);
    const live = collect<Message>(receiver, 'message:new');
    await waitFor(async () => (await presenceOf(survivor, 'sender')).online, { timeoutMs: 10_000 });

    // Traffic: the sender keeps sending, acknowledged or not, while its node is killed.
    const acknowledged: Message[] = [];
    let sending = true;
    const traffic = (async () => {
      for (let i = 0; sending; i++) {
        try {
          const ack = await emitAck<Ack<MessageSendResult>>(sender, 'message:send', { conversationId, content: `m${i}`, clientMessageId: `c${i}` }, 3000);
          if (ack.ok) acknowledged.push(ack.message);
        } catch {
          // No ack (the node died with the request in flight): not acknowledged, may or may not be stored.
        }
        if (!sender.connected) return;
      }
    })();
    await waitFor(() => acknowledged.length >= 20, { timeoutMs: 20_000 });
    const killedAt = Date.now();
    await doomed.kill('SIGKILL');
    sending = false;
    await traffic;
    expect(acknowledged.length).toBeGreaterThanOrEqual(20);

    // The receiver (other node) has every acknowledged message: live, or caught up with afterSeq.
    const lastLive = live.events.reduce((max, m) => Math.max(max, m.seq), 0);
    const caughtUp = await history(receiver, conversationId, lastLive);
    const seen = new Set([...live.events, ...caughtUp].map((m) => m.id));
    for (const message of acknowledged) expect(seen.has(message.id)).toBe(true);
    const all = await history(receiver, conversationId, 0);
    expect(all.map((m) => m.seq)).toEqual(all.map((_, i) => i + 1));

    // Presence: the survivor notices the dead node; its only-there user goes offline, once.
    await waitFor(() => offline.events.some((e) => e.userId === 'sender'), { timeoutMs: 15_000 + GRACE_MS + 5_000 });
    expect(Date.now() - killedAt).toBeLessThanOrEqual(15_000 + GRACE_MS);
    await emitAck(watcher, 'presence:list', {}, 10_000);
    expect(offline.events.map((e) => e.userId)).toEqual(['sender']);
    expect((await presenceOf(survivor, 'both')).online).toBe(true);
    expect(await onlineUsers(survivor)).not.toContain('sender');

    // The sender's client reconnects (through the load balancer) to the survivor: its node died without
    // saving the session, so no recovery; its afterSeq catch-up has every message it got acknowledged.
    const reconnected = new Promise((resolve) => sender.once('connection:established', resolve));
    (sender.io as unknown as { uri: string }).uri = survivor.url;
    sender.connect();
    await reconnected;
    expect(sender.recovered).toBe(false);
    const catchUp = new Set((await history(sender, conversationId, 0)).map((m) => m.id));
    for (const message of acknowledged) expect(catchUp.has(message.id)).toBe(true);
  });

  it('a node that starts under the id of a dead node first clears what that node left', async () => {
    // A long node timeout: only the restart, not the survivors' sweep, can clear this node in time.
    const first = await startNode(services, { nodeId: 'phoenix', graceMs: GRACE_MS, via: 'test-node', nodeTimeoutMs: 120_000 });
    const watcher = await connectTo(survivor, 'watcher-2');
    await emitAck(watcher, 'presence:subscribe', { userIds: ['henry', 'iris'] }, 10_000);
    const offline = collect<{ userId: string }>(watcher, 'user:offline');
    await connectTo(first, 'henry');
    await connectTo(first, 'iris');
    await connectTo(survivor, 'iris');
    await waitFor(async () => (await presenceOf(survivor, 'henry')).online, { timeoutMs: 10_000 });

    await first.kill('SIGKILL');
    const restartedAt = Date.now();
    await startNode(services, { nodeId: 'phoenix', graceMs: GRACE_MS, via: 'test-node', nodeTimeoutMs: 120_000 });
    await waitFor(() => offline.events.length >= 1, { timeoutMs: 30_000 });
    expect(Date.now() - restartedAt).toBeLessThan(60_000);
    await emitAck(watcher, 'presence:list', {}, 10_000);
    expect(offline.events.map((e) => e.userId)).toEqual(['henry']);
    expect((await presenceOf(survivor, 'iris')).online).toBe(true);
  });

  it('a node stopped with SIGTERM closes its sockets, leaves the cluster and exits 0 within 10 s', async () => {
    const leaving = await startNode(services, { nodeId: 'leaving', graceMs: GRACE_MS });
    const watcher = await connectTo(survivor, 'watcher-3');
    await emitAck(watcher, 'presence:subscribe', { userIds: ['jack', 'kate'] }, 10_000);
    const offline = collect<{ userId: string }>(watcher, 'user:offline');
    const jack = await connectTo(leaving, 'jack');
    await connectTo(leaving, 'kate');
    await connectTo(survivor, 'kate');
    await waitFor(async () => (await presenceOf(survivor, 'jack')).online, { timeoutMs: 10_000 });

    const disconnected = new Promise<string>((resolve) => jack.once('disconnect', resolve));
    const stoppedAt = Date.now();
    await leaving.kill('SIGTERM');
    expect(leaving.exitCode).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(await disconnected).toBeTruthy();

    // Its users were released in Redis at once: offline after the grace period (not after a node timeout).
    await waitFor(() => offline.events.length >= 1, { timeoutMs: GRACE_MS + 5_000 });
    await emitAck(watcher, 'presence:list', {}, 10_000);
    expect(offline.events.map((e) => e.userId)).toEqual(['jack']);
    expect((await presenceOf(survivor, 'kate')).online).toBe(true);
  });

  it('a node frozen past its heartbeat (SIGSTOP) is swept, and on waking registers its users again and announces them', async () => {
    const sleepy = await startNode(services, { nodeId: 'sleepy', graceMs: GRACE_MS });
    const watcher = await connectTo(survivor, 'watcher-4');
    await emitAck(watcher, 'presence:subscribe', { userIds: ['nick'] }, 10_000);
    const offline = collect<{ userId: string }>(watcher, 'user:offline');
    const online = collect<{ userId: string }>(watcher, 'user:online');
    await connectTo(sleepy, 'nick');
    await waitFor(() => online.events.length === 1, { timeoutMs: 10_000 });

    process.kill(sleepy.pid, 'SIGSTOP');
    try {
      // Frozen, its sockets still open: the survivor's sweep takes nick offline.
      await waitFor(() => offline.events.length === 1, { timeoutMs: 15_000 + GRACE_MS + 5_000 });
    } finally {
      process.kill(sleepy.pid, 'SIGCONT');
    }
    // Awake: its next heartbeat finds it was swept, registers nick again, and says so.
    await waitFor(() => online.events.length === 2, { timeoutMs: 15_000 });
    expect((await presenceOf(survivor, 'nick')).online).toBe(true);
    await sleepy.kill('SIGKILL');
  });
});
