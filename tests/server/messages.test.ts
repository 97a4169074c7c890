import { afterEach, describe, expect, it } from 'vitest';
import type { Ack, HistoryResult, Message, MessageSendResult } from 'socketkit/protocol';
import { startServer, type TestServer } from '../support/server.js';
import { collect, emitAck, once, waitFor } from '../support/wait.js';

let server: TestServer;
afterEach(async () => {
  await server?.cleanup();
});

type SendAck = Ack<MessageSendResult>;
type HistoryAck = Ack<HistoryResult>;
const send = (conversationId: string, content: string, clientMessageId: string) => ({ conversationId, content, clientMessageId });

describe('message:send', () => {
  it('acks the stored message, with senderId from the socket and the next seq', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    const ack = await emitAck<SendAck>(alice, 'message:send', { ...send('alice-bob', 'hello', 'c-1'), senderId: 'bob' });
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    expect(ack.message).toMatchObject({ conversationId: 'alice-bob', senderId: 'alice', content: 'hello', clientMessageId: 'c-1', seq: 4 });
    expect(typeof ack.message.id).toBe('string');
    expect(Number.isNaN(Date.parse(ack.message.createdAt))).toBe(false);
  });

  it('fans out message:new to the room except the sending socket; the sender’s other tab gets it', async () => {
    server = await startServer();
    const aliceTab1 = await server.connect('alice');
    const aliceTab2 = await server.connect('alice');
    const bob = await server.connect('bob');
    const carol = await server.connect('carol'); // a participant of general, but not in the alice-bob room
    for (const s of [aliceTab1, aliceTab2, bob]) await emitAck(s, 'conversation:join', 'alice-bob');
    const senderHeard = collect(aliceTab1, 'message:new');
    const carolHeard = collect(carol, 'message:new');
    const toBob = once<Message>(bob, 'message:new');
    const toTab2 = once<Message>(aliceTab2, 'message:new');
    const ack = await emitAck<SendAck>(aliceTab1, 'message:send', send('alice-bob', 'fan out', 'c-2'));
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    expect(await toBob).toEqual(ack.message);
    expect(await toTab2).toEqual(ack.message);
    await emitAck(aliceTab1, 'presence:list');
    await emitAck(carol, 'presence:list');
    expect(senderHeard.events).toEqual([]);
    expect(carolHeard.events).toEqual([]);
  });

  it('lets a participant send without joining the room', async () => {
    server = await startServer();
    const bob = await server.connect('bob');
    await emitAck(bob, 'conversation:join', 'alice-bob');
    const alice = await server.connect('alice');
    const incoming = once<Message>(bob, 'message:new');
    expect(await emitAck(alice, 'message:send', send('alice-bob', 'not joined', 'c-3'))).toMatchObject({ ok: true });
    expect((await incoming).content).toBe('not joined');
  });

  it('refuses a non-participant (FORBIDDEN) and an unknown conversation (NOT_FOUND)', async () => {
    server = await startServer();
    const erin = await server.connect('erin');
    expect(await emitAck(erin, 'message:send', send('alice-bob', 'x', 'c-4'))).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await emitAck(erin, 'message:send', send('nope', 'x', 'c-5'))).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('a retry with the same clientMessageId returns the stored message and is not broadcast again', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    const bob = await server.connect('bob');
    await emitAck(bob, 'conversation:join', 'alice-bob');
    const heard = collect<Message>(bob, 'message:new');
    const first = await emitAck<SendAck>(alice, 'message:send', send('alice-bob', 'once', 'retry-1'));
    const again = await emitAck<SendAck>(alice, 'message:send', send('alice-bob', 'once', 'retry-1'));
    expect(again).toEqual(first);
    await waitFor(() => heard.events.length === 1);
    await emitAck(bob, 'presence:list');
    expect(heard.events).toHaveLength(1);
    // The same clientMessageId from another sender is another message.
    const fromBob = await emitAck<SendAck>(bob, 'message:send', send('alice-bob', 'mine', 'retry-1'));
    expect(fromBob.ok && first.ok && fromBob.message.seq).toBe(first.ok ? first.message.seq + 1 : -1);
  });

  it('assigns contiguous seq under concurrent senders', async () => {
    server = await startServer({ rateLimit: false });
    const senders = await Promise.all(['alice', 'bob', 'carol', 'dave'].map((u) => server.connect(u)));
    const before = (await emitAck<HistoryAck>(senders[0]!, 'conversation:history', { conversationId: 'general', limit: 1 })) as HistoryResult & { ok: true };
    const base = before.messages[0]?.seq ?? 0;
    const acks = await Promise.all(
      senders.flatMap((s, i) =>
        Array.from({ length: 25 }, (_, n) => emitAck<SendAck>(s, 'message:send', send('general', `m${n}`, `s${i}-${n}`))),
      ),
    );
    const seqs = acks.map((a) => (a.ok ? a.message.seq : -1)).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => base + i + 1));
  });

  it('validates content: empty → BAD_REQUEST, over 4,000 characters → PAYLOAD_TOO_LARGE', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    expect(await emitAck(alice, 'message:send', send('alice-bob', '', 'e1'))).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await emitAck(alice, 'message:send', send('alice-bob', 'x'.repeat(4001), 'e2'))).toMatchObject({
      ok: false,
      error: { code: 'PAYLOAD_TOO_LARGE' },
    });
    expect(await emitAck(alice, 'message:send', send('alice-bob', 'x'.repeat(4000), 'e3'))).toMatchObject({ ok: true });
    expect(await emitAck(alice, 'message:send', { conversationId: 'alice-bob', content: 'no id' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(await emitAck(alice, 'message:send', send('alice-bob', 'long id', 'i'.repeat(129)))).toMatchObject({
      ok: false,
      error: { code: 'PAYLOAD_TOO_LARGE' },
    });
  });
});

describe('conversation:history', () => {
  const history = (s: Parameters<typeof emitAck>[0], payload: object) =>
    emitAck<HistoryAck>(s, 'conversation:history', payload).then((ack) => {
      if (!ack.ok) throw new Error(JSON.stringify(ack.error));
      return ack;
    });

  it('with no cursor answers the newest page (default 50), ascending', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    const page = await history(alice, { conversationId: 'long-history' });
    expect(page.messages.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 9951 + i));
    expect(page.hasMore).toBe(true);
  });

  it('afterSeq serves catch-up, oldest first', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    const page = await history(alice, { conversationId: 'long-history', afterSeq: 100, limit: 3 });
    expect(page.messages.map((m) => m.seq)).toEqual([101, 102, 103]);
    expect(page.hasMore).toBe(true);
    const tail = await history(alice, { conversationId: 'long-history', afterSeq: 9998 });
    expect(tail.messages.map((m) => m.seq)).toEqual([9999, 10000]);
    expect(tail.hasMore).toBe(false);
    const none = await history(alice, { conversationId: 'long-history', afterSeq: 10000 });
    expect(none).toEqual({ ok: true, messages: [], hasMore: false });
  });

  it('beforeSeq serves scrolling back', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    const page = await history(alice, { conversationId: 'long-history', beforeSeq: 101, limit: 3 });
    expect(page.messages.map((m) => m.seq)).toEqual([98, 99, 100]);
    expect(page.hasMore).toBe(true);
    const start = await history(alice, { conversationId: 'long-history', beforeSeq: 3 });
    expect(start.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(start.hasMore).toBe(false);
  });

  it('caps limit at 200', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    const page = await history(alice, { conversationId: 'long-history', limit: 10_000 });
    expect(page.messages).toHaveLength(200);
    expect(page.messages[199]?.seq).toBe(10_000);
  });

  it('an empty conversation answers no messages', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    expect(await history(alice, { conversationId: 'empty' })).toEqual({ ok: true, messages: [], hasMore: false });
  });

  it('refuses non-participants, unknown ids and bad cursors', async () => {
    server = await startServer();
    const erin = await server.connect('erin');
    expect(await emitAck(erin, 'conversation:history', { conversationId: 'alice-bob' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await emitAck(erin, 'conversation:history', { conversationId: 'nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    for (const bad of [{ afterSeq: -1 }, { beforeSeq: 1.5 }, { limit: 0 }, { afterSeq: '3' }]) {
      expect(await emitAck(erin, 'conversation:history', { conversationId: 'general', ...bad })).toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST' },
      });
    }
  });

  it('includes messages sent just now', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    const sent = await emitAck<SendAck>(alice, 'message:send', send('empty', 'first!', 'h1'));
    const page = await history(alice, { conversationId: 'empty', afterSeq: 0 });
    expect(page.messages).toEqual([sent.ok && sent.message]);
  });
});
