/**
 * The inbox stores (protocol 1.2) against the real bundled server: the
 * conversation list with unread counts, read state synced across one user's
 * devices, the offline read queue, read receipts, the notification inbox,
 * and an old server without `conversation:list`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getConversationList, getNotificationInbox, getReadReceipts, markConversationRead, type RealtimeClient } from 'socketkit';
import { startServer, type TestServer } from '../support/server.js';
import { startProxy, type TcpProxy } from '../support/proxy.js';
import { waitFor } from '../support/wait.js';
import { connected, disposeAll, joined, realClient, status } from './real-client.js';

let server: TestServer;
let proxy: TcpProxy | undefined;
/** `conversation:read` payloads the server received, per user. */
let reads: { userId: string; payload: { conversationId: string; seq: number } }[];

beforeEach(async () => {
  server = await startServer();
  reads = [];
  server.io.on('connection', (socket) => {
    socket.onAny((event: string, payload: unknown) => {
      if (event === 'conversation:read') reads.push({ userId: socket.data.userId as string, payload: payload as { conversationId: string; seq: number } });
    });
  });
});
afterEach(async () => {
  disposeAll();
  await proxy?.close();
  proxy = undefined;
  await server.cleanup();
});

const item = (client: RealtimeClient, id: string) => getConversationList(client).get(id);

async function listed(client: RealtimeClient): Promise<() => void> {
  const release = getConversationList(client).watch();
  await waitFor(() => !getConversationList(client).getSnapshot().loading, { message: 'conversation list loaded' });
  return release;
}

/** Bob posts `n` messages to alice-bob through his own socket; resolves with the last seq. */
async function bobSends(n: number): Promise<number> {
  const bob = realClient(server, 'bob');
  const room = bob.conversation('alice-bob');
  let seq = 0;
  for (let i = 0; i < n; i++) seq = (await room.send(`from bob ${i}`)).seq!;
  return seq;
}

describe('conversation list', () => {
  it('lists my conversations newest first with unread counts, live while not joined', async () => {
    const alice = realClient(server, 'alice');
    await listed(alice);
    const { conversations, unreadCount, error } = getConversationList(alice).getSnapshot();
    expect(error).toBeNull();
    expect(conversations.map((c) => c.id)).toEqual(expect.arrayContaining(['general', 'alice-bob', 'design']));
    expect(conversations.every((c) => c.participantIds.includes('alice'))).toBe(true);
    const times = conversations.map((c) => Date.parse(c.lastActivityAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(unreadCount).toBe(conversations.reduce((sum, c) => sum + c.unreadCount, 0));

    const before = item(alice, 'alice-bob')!.unreadCount;
    const seq = await bobSends(2);
    await waitFor(() => item(alice, 'alice-bob')!.lastSeq === seq, { message: 'conversation:updated heard' });
    expect(item(alice, 'alice-bob')).toMatchObject({ unreadCount: before + 2, lastMessage: { content: 'from bob 1', seq } });
    expect(getConversationList(alice).getSnapshot().conversations[0]!.id).toBe('alice-bob');
  });

  it('my own send moves the conversation to the top, read', async () => {
    const alice = realClient(server, 'alice');
    await listed(alice);
    const sent = await alice.conversation('design').send('mine');
    await waitFor(() => item(alice, 'design')!.lastSeq === sent.seq);
    expect(item(alice, 'design')).toMatchObject({ lastReadSeq: sent.seq, unreadCount: 0, lastMessage: { content: 'mine' } });
    expect(getConversationList(alice).getSnapshot().conversations[0]!.id).toBe('design');
  });

  it('two devices of one user: one reads, the other badge drops within a second', async () => {
    const phone = realClient(server, 'alice');
    const laptop = realClient(server, 'alice');
    await Promise.all([listed(phone), listed(laptop)]);
    const seq = await bobSends(2);
    await waitFor(() => item(laptop, 'alice-bob')!.lastSeq === seq && item(phone, 'alice-bob')!.lastSeq === seq);
    expect(item(laptop, 'alice-bob')!.unreadCount).toBeGreaterThanOrEqual(2);

    const started = performance.now();
    getConversationList(phone).markRead('alice-bob');
    expect(item(phone, 'alice-bob')!.unreadCount).toBe(0); // optimistic
    await waitFor(() => item(laptop, 'alice-bob')!.unreadCount === 0, { timeoutMs: 1000, message: 'the laptop badge dropped' });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(item(laptop, 'alice-bob')!.lastReadSeq).toBe(seq);
    expect(getConversationList(laptop).getSnapshot().unreadCount).toBe(getConversationList(phone).getSnapshot().unreadCount);
  });

  it('a markRead made offline is shown at once and sent once on reconnect, coalesced to the highest seq', async () => {
    const seq = await bobSends(3);
    proxy = await startProxy(server.port);
    const alice = realClient(server, 'alice', { url: proxy.url });
    await listed(alice);
    expect(item(alice, 'alice-bob')!.unreadCount).toBeGreaterThanOrEqual(3);
    proxy.block();
    proxy.cut();
    await waitFor(() => status(alice) !== 'connected');

    getConversationList(alice).markRead('alice-bob', seq - 2);
    getConversationList(alice).markRead('alice-bob', seq);
    getConversationList(alice).markRead('alice-bob', seq - 1);
    expect(item(alice, 'alice-bob')).toMatchObject({ lastReadSeq: seq, unreadCount: 0 });
    expect(reads).toEqual([]);

    proxy.restore();
    await connected(alice);
    await waitFor(() => reads.length > 0, { message: 'the queued read reached the server' });
    // The catch-up fetch after the read answers: the server's list agrees.
    await getConversationList(alice).refresh();
    expect(reads).toEqual([{ userId: 'alice', payload: { conversationId: 'alice-bob', seq } }]);
    expect(item(alice, 'alice-bob')).toMatchObject({ lastReadSeq: seq, unreadCount: 0 });
  });

  it('markConversationRead without a conversation list: queued offline, sent once, and a list made later shows it', async () => {
    const seq = await bobSends(3);
    proxy = await startProxy(server.port);
    const alice = realClient(server, 'alice', { url: proxy.url });
    await connected(alice);
    proxy.block();
    proxy.cut();
    await waitFor(() => status(alice) !== 'connected');

    markConversationRead(alice, 'alice-bob', seq - 1);
    markConversationRead(alice, 'alice-bob', seq);
    expect(() => markConversationRead(alice, 'alice-bob', -1)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(() => markConversationRead(alice, '', 1)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    // The list made while the read waits counts it at once, in its first page.
    const list = getConversationList(alice);
    list.watch();
    proxy.restore();
    await connected(alice);
    await waitFor(() => reads.length > 0 && !list.getSnapshot().loading, { message: 'the queued read reached the server and the list loaded' });
    expect(item(alice, 'alice-bob')).toMatchObject({ lastReadSeq: seq, unreadCount: 0 });
    await list.refresh();
    expect(reads).toEqual([{ userId: 'alice', payload: { conversationId: 'alice-bob', seq } }]);
    expect(item(alice, 'alice-bob')).toMatchObject({ lastReadSeq: seq, unreadCount: 0 });
  });

  it('the inbox stores are made on first use, one per client, and only for a socketkit client', async () => {
    const alice = realClient(server, 'alice');
    const bob = realClient(server, 'bob');
    expect(getConversationList(alice)).toBe(getConversationList(alice));
    expect(getNotificationInbox(alice)).toBe(getNotificationInbox(alice));
    expect(getReadReceipts(alice)).toBe(getReadReceipts(alice));
    expect(getConversationList(bob)).not.toBe(getConversationList(alice));
    const notAClient = { ...alice };
    expect(() => getConversationList(notAClient)).toThrow(TypeError);
    expect(() => getReadReceipts(notAClient)).toThrow(TypeError);
    expect(() => getNotificationInbox(notAClient)).toThrow(TypeError);
  });

  it('catches up after a reconnect: messages missed while offline are counted', async () => {
    proxy = await startProxy(server.port);
    const alice = realClient(server, 'alice', { url: proxy.url });
    await listed(alice);
    const before = item(alice, 'alice-bob')!.unreadCount;
    proxy.block();
    proxy.cut();
    await waitFor(() => getConversationList(alice).getSnapshot().stale);
    const seq = await bobSends(2);
    proxy.restore();
    await waitFor(() => item(alice, 'alice-bob')?.lastSeq === seq && !getConversationList(alice).getSnapshot().stale, { message: 'caught up' });
    expect(item(alice, 'alice-bob')!.unreadCount).toBe(before + 2);
  });

  it('markRead refuses bad input with a clear error and sends nothing', async () => {
    const alice = realClient(server, 'alice');
    await listed(alice);
    expect(() => getConversationList(alice).markRead('alice-bob', -1)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(() => getConversationList(alice).markRead('alice-bob', 1.5)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(() => getConversationList(alice).markRead('', 1)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(() => getConversationList(alice).markRead('not-listed')).toThrow(/not in the list/);
    expect(reads).toEqual([]);
  });

  it('read receipts reach the other participants joined to the conversation', async () => {
    const seq = await bobSends(1);
    const bob = realClient(server, 'bob');
    await joined(bob, 'alice-bob');
    const alice = realClient(server, 'alice');
    await connected(alice);
    // Made on first use: each hears receipts from here on.
    const bobReceipts = getReadReceipts(bob);
    const aliceReceipts = getReadReceipts(alice);
    getConversationList(alice).markRead('alice-bob', seq);
    await waitFor(() => bobReceipts.getSnapshot().get('alice-bob')?.get('alice') === seq, { message: 'receipt heard' });
    const snapshot = bobReceipts.getSnapshot();
    expect(getReadReceipts(bob)).toBe(bobReceipts); // one store per client
    expect(bobReceipts.getSnapshot()).toBe(snapshot); // identity kept until something changed
    expect(aliceReceipts.getSnapshot().get('alice-bob')?.get('alice')).toBeUndefined(); // never to the reader
  });
});

describe('notification inbox', () => {
  async function inboxOf(client: RealtimeClient) {
    getNotificationInbox(client).watch();
    await waitFor(() => !getNotificationInbox(client).getSnapshot().loading, { message: 'inbox loaded' });
  }
  const notify = (title: string) => server.socketkit.notify('alice', { title, body: `${title} body` });

  it('a notification sent while offline is in the inbox on connect; live ones arrive; reads sync to every device', async () => {
    await notify('while offline');
    const phone = realClient(server, 'alice');
    const laptop = realClient(server, 'alice');
    await Promise.all([inboxOf(phone), inboxOf(laptop)]);
    const first = getNotificationInbox(phone).getSnapshot();
    expect(first.notifications[0]).toMatchObject({ title: 'while offline', readAt: null });
    const unread = first.unreadCount;

    await notify('live');
    await waitFor(() => getNotificationInbox(laptop).getSnapshot().notifications[0]?.title === 'live');
    await waitFor(() => getNotificationInbox(phone).getSnapshot().unreadCount === unread + 1);
    const live = getNotificationInbox(phone).getSnapshot().notifications[0]!;

    await getNotificationInbox(phone).markRead([live.id]);
    expect(getNotificationInbox(phone).getSnapshot().unreadCount).toBe(unread);
    await waitFor(() => getNotificationInbox(laptop).getSnapshot().unreadCount === unread, { timeoutMs: 1000 });
    expect(getNotificationInbox(laptop).getSnapshot().notifications[0]!.readAt).not.toBeNull();

    await getNotificationInbox(laptop).markAllRead();
    await waitFor(() => getNotificationInbox(phone).getSnapshot().unreadCount === 0, { timeoutMs: 1000 });
    expect(getNotificationInbox(phone).getSnapshot().notifications.every((n) => n.readAt !== null)).toBe(true);
    await expect(getNotificationInbox(phone).markRead([''])).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('an old server (no protocol 1.2)', () => {
  it('shows a clear unsupported state instead of crashing, and markRead stays quiet', async () => {
    // What a server before protocol 1.2 answers for the new requests.
    server.io.on('connection', (socket) => {
      socket.use(([event, ...args], next) => {
        const ack = args.at(-1);
        if ((event === 'conversation:list' || event === 'conversation:read') && typeof ack === 'function') {
          ack({ ok: false, error: { code: 'BAD_REQUEST', message: `Unknown event ${event}` } });
        } else next();
      });
    });
    const errors: unknown[] = [];
    const alice = realClient(server, 'alice', { onError: (error) => errors.push(error) });
    await listed(alice);
    expect(getConversationList(alice).getSnapshot()).toMatchObject({ unsupported: true, loading: false, conversations: [], error: { code: 'BAD_REQUEST' } });
    getConversationList(alice).markRead('alice-bob', 1); // known unsupported: not sent
    // A client that never listed learns it from its first read, quietly, and sends no more.
    const other = realClient(server, 'alice', { onError: (error) => errors.push(error) });
    await connected(other);
    getConversationList(other).markRead('alice-bob', 1);
    await waitFor(() => getConversationList(other).getSnapshot().unsupported, { message: 'unsupported learnt from the read' });
    getConversationList(other).markRead('alice-bob', 2);
    expect(reads).toEqual([{ userId: 'alice', payload: { conversationId: 'alice-bob', seq: 1 } }]);
    expect(errors).toEqual([]);
    expect(status(alice)).toBe('connected');
  });
});
