/**
 * Protocol 1.2 inbox over real sockets against the bundled server (default
 * seed): conversation:list, conversation:read with read-state and receipts,
 * conversation:updated for participants not joined, stored notifications.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type {
  Ack,
  ConversationListResult,
  ConversationReadResult,
  ConversationUpdatedPayload,
  Message,
  MessageSendResult,
  NotificationListResult,
  NotificationReadResult,
  NotificationReadStatePayload,
  ReadReceiptPayload,
  StoredNotification,
} from 'socketkit/protocol';
import { startServer, type TestServer } from '../support/server.js';
import { collect, emitAck, once } from '../support/wait.js';

let server: TestServer;
afterEach(async () => {
  await server?.cleanup();
});

type Ok<T> = { ok: true } & T;
const ok = async <T>(promise: Promise<unknown>): Promise<Ok<T>> => {
  const ack = (await promise) as Ack<T & object>;
  if (!ack.ok) throw new Error(`expected ok, got ${JSON.stringify(ack)}`);
  return ack as Ok<T>;
};

describe('conversation:list', () => {
  it('lists my conversations newest activity first with read state, paged by cursor', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    const all = await ok<ConversationListResult>(emitAck(alice, 'conversation:list', {}));
    expect(all.hasMore).toBe(false);
    expect(all.nextCursor).toBeUndefined();
    expect(all.conversations.map((c) => c.id).sort()).toEqual(['alice-bob', 'design', 'empty', 'general', 'long-history']);
    const general = all.conversations.find((c) => c.id === 'general')!;
    // Alice wrote seq 1 of 5: what she wrote she has read.
    expect(general).toMatchObject({ title: 'General', lastSeq: 5, lastReadSeq: 1, unreadCount: 4, lastMessage: { seq: 5, senderId: 'erin' } });
    expect(general.lastActivityAt).toBe(general.lastMessage!.createdAt);
    expect(all.conversations.find((c) => c.id === 'empty')).toMatchObject({ lastSeq: 0, lastReadSeq: 0, unreadCount: 0 });
    expect(all.conversations.find((c) => c.id === 'empty')!.lastMessage).toBeUndefined();

    const first = await ok<ConversationListResult>(emitAck(alice, 'conversation:list', { limit: 2 }));
    expect(first).toMatchObject({ hasMore: true });
    const rest = await ok<ConversationListResult>(emitAck(alice, 'conversation:list', { limit: 50, cursor: first.nextCursor }));
    expect([...first.conversations, ...rest.conversations]).toEqual(all.conversations);
    // No payload at all is the default page.
    expect((await ok<ConversationListResult>(emitAck(alice, 'conversation:list'))).conversations).toEqual(all.conversations);
  });

  it('answers BAD_REQUEST for a limit outside 1–200 or a cursor it did not make', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    for (const payload of [{ limit: 0 }, { limit: 201 }, { limit: 1.5 }, { cursor: 'not-a-cursor' }, { cursor: 42 }]) {
      expect(await emitAck(alice, 'conversation:list', payload)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
  });
});

describe('conversation:read', () => {
  it('syncs the read state to every device of the reader within a second and sends others a receipt', async () => {
    server = await startServer();
    const phone = await server.connect('alice');
    const laptop = await server.connect('alice');
    const bob = await server.connect('bob');
    await emitAck(phone, 'conversation:join', 'general');
    await emitAck(bob, 'conversation:join', 'general');
    const phoneReceipts = collect(phone, 'receipt:read');
    const laptopReceipts = collect(laptop, 'receipt:read');
    const bobStates = collect(bob, 'conversation:read-state');
    const laptopState = once<ConversationReadResult>(laptop, 'conversation:read-state', 1000);
    const phoneState = once<ConversationReadResult>(phone, 'conversation:read-state', 1000);
    const receipt = once<ReadReceiptPayload>(bob, 'receipt:read', 1000);

    const started = performance.now();
    const ack = await ok<ConversationReadResult>(emitAck(phone, 'conversation:read', { conversationId: 'general', seq: 4 }));
    expect(ack).toEqual({ ok: true, conversationId: 'general', lastReadSeq: 4, unreadCount: 1 });
    expect(await laptopState).toEqual({ conversationId: 'general', lastReadSeq: 4, unreadCount: 1 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await phoneState).toEqual({ conversationId: 'general', lastReadSeq: 4, unreadCount: 1 });
    expect(await receipt).toEqual({ conversationId: 'general', userId: 'alice', seq: 4 });

    // Not moved (older seq): the current state, and no event at all.
    const older = collect(laptop, 'conversation:read-state');
    expect(await emitAck(laptop, 'conversation:read', { conversationId: 'general', seq: 2 })).toEqual({ ok: true, conversationId: 'general', lastReadSeq: 4, unreadCount: 1 });
    // Above lastSeq: clamped.
    expect(await emitAck(laptop, 'conversation:read', { conversationId: 'general', seq: 99 })).toEqual({ ok: true, conversationId: 'general', lastReadSeq: 5, unreadCount: 0 });
    await emitAck(bob, 'presence:list');
    await emitAck(laptop, 'presence:list');
    expect(older.events).toEqual([{ conversationId: 'general', lastReadSeq: 5, unreadCount: 0 }]);
    expect(phoneReceipts.events).toEqual([]);
    expect(laptopReceipts.events).toEqual([]);
    expect(bobStates.events).toEqual([]);
    const list = await ok<ConversationListResult>(emitAck(laptop, 'conversation:list'));
    expect(list.conversations.find((c) => c.id === 'general')).toMatchObject({ lastReadSeq: 5, unreadCount: 0 });
  });

  it('refuses a bad seq, an unknown conversation and a non-participant', async () => {
    server = await startServer();
    const frank = await server.connect('frank');
    for (const seq of [-1, 1.5, '3', null]) {
      expect(await emitAck(frank, 'conversation:read', { conversationId: 'general', seq })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    expect(await emitAck(frank, 'conversation:read', { conversationId: 'nope', seq: 1 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await emitAck(frank, 'conversation:read', { conversationId: 'design', seq: 1 })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('a send moves the sender cursor without events; participants not joined get conversation:updated once', async () => {
    server = await startServer();
    const sender = await server.connect('alice');
    const aliceOther = await server.connect('alice');
    const bobJoined = await server.connect('bob');
    const bobList = await server.connect('bob');
    await emitAck(sender, 'conversation:join', 'alice-bob');
    await emitAck(bobJoined, 'conversation:join', 'alice-bob');
    const watch = [sender, aliceOther, bobJoined, bobList].map((s) => ({
      updated: collect<ConversationUpdatedPayload>(s, 'conversation:updated'),
      message: collect<Message>(s, 'message:new'),
      state: collect(s, 'conversation:read-state'),
      receipt: collect(s, 'receipt:read'),
    }));
    const bobUpdated = once<ConversationUpdatedPayload>(bobList, 'conversation:updated');
    const { message } = await ok<MessageSendResult>(emitAck(sender, 'message:send', { conversationId: 'alice-bob', content: 'hi', clientMessageId: 'inbox-1' }));
    expect(await bobUpdated).toEqual({ conversationId: 'alice-bob', lastMessage: message, lastSeq: 4 });
    for (const s of [sender, aliceOther, bobJoined, bobList]) await emitAck(s, 'presence:list');
    const [senderSeen, otherSeen, joinedSeen, listSeen] = watch;
    expect(senderSeen!.updated.events).toEqual([]);
    expect(senderSeen!.message.events).toEqual([]);
    expect(otherSeen!.updated.events).toEqual([{ conversationId: 'alice-bob', lastMessage: message, lastSeq: 4 }]);
    expect(otherSeen!.message.events).toEqual([]);
    expect(joinedSeen!.message.events).toEqual([message]);
    expect(joinedSeen!.updated.events).toEqual([]);
    expect(listSeen!.updated.events).toHaveLength(1);
    expect(listSeen!.message.events).toEqual([]);
    for (const seen of watch) {
      expect(seen.state.events).toEqual([]);
      expect(seen.receipt.events).toEqual([]);
    }
    const aliceList = await ok<ConversationListResult>(emitAck(sender, 'conversation:list'));
    expect(aliceList.conversations[0]).toMatchObject({ id: 'alice-bob', lastSeq: 4, lastReadSeq: 4, unreadCount: 0, lastMessage: message });
    const bobSummary = (await ok<ConversationListResult>(emitAck(bobList, 'conversation:list'))).conversations[0];
    // Bob wrote seq 3; alice's new message is his one unread.
    expect(bobSummary).toMatchObject({ id: 'alice-bob', lastSeq: 4, lastReadSeq: 3, unreadCount: 1 });
  });
});

describe('notifications (stored)', () => {
  it('a notification sent while the user was offline is listed when they connect', async () => {
    server = await startServer({ seed: 'none' });
    const sent = await server.socketkit.notify('zoe', { title: 'Welcome', body: 'Hello Zoe', link: '/start', data: { step: 1 } });
    expect(sent.delivered).toBe(0);
    expect(sent.notification).toMatchObject({ title: 'Welcome', body: 'Hello Zoe', link: '/start', data: { step: 1 }, readAt: null });
    const zoe = await server.connect('zoe');
    const list = await ok<NotificationListResult>(emitAck(zoe, 'notification:list', {}));
    expect(list).toEqual({ ok: true, notifications: [sent.notification], unreadCount: 1, hasMore: false });
  });

  it('delivers to every tab, pages, and syncs read state to every tab', async () => {
    server = await startServer({ seed: 'none' });
    const tabs = [await server.connect('ann'), await server.connect('ann')];
    const received = Promise.all(tabs.map((t) => once<StoredNotification>(t, 'notification:new')));
    const first = await server.socketkit.notify('ann', { title: 'one', body: '' });
    expect(first.delivered).toBe(2);
    expect(await received).toEqual([first.notification, first.notification]);
    const second = (await server.socketkit.notify('ann', { title: 'two', body: '' })).notification;
    const third = (await server.socketkit.notify('ann', { title: 'three', body: '' })).notification;

    const page = await ok<NotificationListResult>(emitAck(tabs[0]!, 'notification:list', { limit: 2 }));
    expect(page.notifications.map((n) => n.title)).toEqual(['three', 'two']);
    expect(page).toMatchObject({ unreadCount: 3, hasMore: true });
    const next = await ok<NotificationListResult>(emitAck(tabs[0]!, 'notification:list', { limit: 2, cursor: page.nextCursor }));
    expect(next.notifications).toEqual([first.notification]);

    const states = tabs.map((t) => collect<NotificationReadStatePayload>(t, 'notification:read-state'));
    const synced = once<NotificationReadStatePayload>(tabs[1]!, 'notification:read-state', 1000);
    expect(await emitAck(tabs[0]!, 'notification:read', { ids: [second.id, 'someone-elses'] })).toEqual({ ok: true, unreadCount: 2 });
    expect(await synced).toEqual({ ids: [second.id], unreadCount: 2 });
    // Reading twice changes nothing and sends nothing.
    expect(await emitAck(tabs[1]!, 'notification:read', { ids: [second.id] })).toEqual({ ok: true, unreadCount: 2 });
    const unread = await ok<NotificationListResult>(emitAck(tabs[1]!, 'notification:list', { unreadOnly: true }));
    expect(unread.notifications.map((n) => n.id)).toEqual([third.id, first.notification.id]);
    const allState = once<NotificationReadStatePayload>(tabs[0]!, 'notification:read-state', 1000);
    expect(await ok<NotificationReadResult>(emitAck(tabs[1]!, 'notification:read', { all: true }))).toEqual({ ok: true, unreadCount: 0 });
    expect(await allState).toEqual({ all: true, unreadCount: 0 });
    for (const t of tabs) await emitAck(t, 'presence:list');
    for (const state of states) expect(state.events).toEqual([{ ids: [second.id], unreadCount: 2 }, { all: true, unreadCount: 0 }]);
  });

  it('refuses bad notification requests with BAD_REQUEST and over-long fields with PAYLOAD_TOO_LARGE', async () => {
    server = await startServer({ seed: 'none' });
    const ann = await server.connect('ann');
    for (const payload of [{}, { ids: 'x' }, { ids: [], all: true }, { all: false }, null]) {
      expect(await emitAck(ann, 'notification:read', payload)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    expect(await emitAck(ann, 'notification:read', { ids: Array.from({ length: 1001 }, (_, i) => `n${i}`) })).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    for (const payload of [{ limit: 0 }, { limit: 201 }, { cursor: 'abc' }, { unreadOnly: 'yes' }]) {
      expect(await emitAck(ann, 'notification:list', payload)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    const notify = (input: unknown) => server.socketkit.notify('ann', input as never);
    for (const input of [{ body: 'b' }, { title: '', body: 'b' }, { title: 1, body: 'b' }, { title: 't' }]) {
      await expect(notify(input)).rejects.toMatchObject({ code: 'BAD_REQUEST', status: 400 });
    }
    for (const input of [{ title: 'x'.repeat(201), body: '' }, { title: 't', body: 'x'.repeat(2001) }, { title: 't', body: '', data: { blob: 'x'.repeat(8200) } }]) {
      await expect(notify(input)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 });
    }
    expect(await ok<NotificationListResult>(emitAck(ann, 'notification:list'))).toMatchObject({ notifications: [], unreadCount: 0 });
  });
});

describe('seed (default)', () => {
  it('starts the inbox with unread messages and stored notifications', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    const list = await ok<ConversationListResult>(emitAck(alice, 'conversation:list'));
    const unread = Object.fromEntries(list.conversations.map((c) => [c.id, c.unreadCount]));
    expect(unread).toMatchObject({ general: 4, design: 2, 'alice-bob': 1, empty: 0 });
    const notifications = await ok<NotificationListResult>(emitAck(alice, 'notification:list'));
    expect(notifications.unreadCount).toBe(2);
    expect(notifications.notifications.map((n) => n.title)).toEqual(['Deploy finished', 'Review requested', 'Welcome to socketkit']);
    expect(notifications.notifications[1]).toMatchObject({ link: '/prs/42', data: { pr: 42 }, readAt: null });
    const bob = await server.connect('bob');
    expect(await emitAck(bob, 'notification:list')).toMatchObject({ ok: true, unreadCount: 1 });
  });
});
