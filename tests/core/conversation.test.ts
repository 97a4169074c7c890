import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_CATCH_UP, MAX_SEND_ATTEMPTS, TYPING_EXPIRY_MS, type Message, type RealtimeClient } from 'socketkit';
import { LIMITS } from 'socketkit/protocol';
import { fakeClient, flush, type FakeSocket } from './fake-socket.js';

let client: RealtimeClient | undefined;
afterEach(() => {
  client?.destroy();
  vi.useRealTimers();
});

const msg = (seq: number, senderId = 'bob', conversationId = 'c1'): Message => ({
  id: `m${seq}`,
  seq,
  conversationId,
  senderId,
  content: `hello ${seq}`,
  createdAt: new Date(seq * 1000).toISOString(),
  clientMessageId: `cm-${senderId}-${seq}`,
});
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => msg(from + i));

async function setup(options: Parameters<typeof fakeClient>[0] = {}) {
  const made = fakeClient(options);
  client = made.client;
  made.client.connect();
  await flush();
  made.socket.accept('me');
  return made;
}

/** Join `c1` and answer the join and the first history page. */
async function joined(socket: FakeSocket, c: RealtimeClient, page: Message[] = range(1, 3), hasMore = false) {
  const room = c.conversation('c1');
  const release = room.join();
  await flush();
  socket.reply('conversation:join', { ok: true, conversationId: 'c1', room: 'conversation:c1', participantIds: ['me', 'bob'], lastSeq: page.at(-1)?.seq ?? 0 });
  await flush();
  socket.reply('conversation:history', { ok: true, messages: page, hasMore });
  await flush();
  return { room, release };
}
const seqs = (c: RealtimeClient) => c.conversation('c1').getSnapshot().messages.map((m) => m.seq);

describe('conversation handle', () => {
  it('is one shared handle per id; join loads the newest page and watches the participants', async () => {
    const { client, socket } = await setup();
    expect(client.conversation('c1')).toBe(client.conversation('c1'));
    const room = client.conversation('c1');
    room.join();
    expect(room.getSnapshot().status).toBe('joining');
    await flush();
    expect(socket.of('conversation:join')[0]?.payload).toBe('c1');
    socket.reply('conversation:join', { ok: true, conversationId: 'c1', room: 'conversation:c1', participantIds: ['me', 'bob'], lastSeq: 60 });
    await flush();
    expect(socket.of('conversation:history')[0]?.payload).toEqual({ conversationId: 'c1' });
    socket.reply('conversation:history', { ok: true, messages: range(11, 60), hasMore: true });
    await flush();
    expect(room.getSnapshot()).toMatchObject({ status: 'joined', hasMore: true, participantIds: ['me', 'bob'], error: null });
    expect(seqs(client)).toEqual(range(11, 60).map((m) => m.seq));
    expect(room.getSnapshot().messages[0]).toMatchObject({ status: 'sent', id: 'm11' });
    expect(socket.of('presence:subscribe').map((p) => p.payload)).toEqual([{ userIds: ['me', 'bob'] }]);
    expect(socket.of('conversation:history')).toHaveLength(1); // nothing missing: no catch-up
  });

  it('joins once for two holders and leaves after the last release', async () => {
    const { client, socket } = await setup();
    const { room, release } = await joined(socket, client);
    const release2 = room.join();
    await flush();
    expect(socket.of('conversation:join')).toHaveLength(1);
    release();
    release();
    expect(socket.of('conversation:leave')).toHaveLength(0);
    release2();
    expect(socket.of('conversation:leave').map((p) => p.payload)).toEqual(['c1']);
    expect(room.getSnapshot().status).toBe('idle');
  });

  it('puts live messages in seq order, ignores duplicates, and catches up a gap with afterSeq', async () => {
    const { client, socket } = await setup();
    const { room } = await joined(socket, client);
    const listener = vi.fn();
    room.subscribe(listener);
    socket.serverEmit('message:new', msg(4));
    expect(listener).toHaveBeenCalledTimes(1);
    socket.serverEmit('message:new', msg(4));
    socket.serverEmit('message:new', { ...msg(2) });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(socket.of('conversation:history')).toHaveLength(1);
    socket.serverEmit('message:new', msg(7)); // 5 and 6 missed
    expect(seqs(client)).toEqual([1, 2, 3, 4, 7]);
    await flush();
    expect(socket.of('conversation:history').at(-1)?.payload).toEqual({ conversationId: 'c1', afterSeq: 4, limit: LIMITS.historyMaxLimit });
    socket.reply('conversation:history', { ok: true, messages: range(5, 7), hasMore: false });
    await flush();
    expect(seqs(client)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(new Set(room.getSnapshot().messages.map((m) => m.id)).size).toBe(7);
  });

  it('rejoins after a reconnect and fetches what was missed after the last seq seen, page by page', async () => {
    vi.useFakeTimers();
    const { client, socket } = await setup();
    const { room } = await joined(socket, client);
    socket.drop();
    await vi.advanceTimersByTimeAsync(1000);
    socket.accept('me');
    await flush();
    expect(socket.of('conversation:join')).toHaveLength(2);
    socket.reply('conversation:join', { ok: true, conversationId: 'c1', room: 'conversation:c1', participantIds: ['me', 'bob'], lastSeq: 400 });
    await flush();
    expect(socket.of('conversation:history').at(-1)?.payload).toMatchObject({ afterSeq: 3 });
    socket.reply('conversation:history', { ok: true, messages: range(2, 202), hasMore: true }); // overlapping page
    await flush();
    expect(socket.of('conversation:history').at(-1)?.payload).toMatchObject({ afterSeq: 202 });
    socket.serverEmit('message:new', msg(401)); // live while catching up
    socket.reply('conversation:history', { ok: true, messages: range(203, 400), hasMore: false });
    await flush();
    expect(seqs(client)).toEqual(range(1, 401).map((m) => m.seq));
    expect(room.getSnapshot().status).toBe('joined');
  });

  it('one socket event, one notification; no change, same snapshot', async () => {
    const { client, socket } = await setup();
    const { room } = await joined(socket, client);
    socket.serverEmit('user:typing', { conversationId: 'c1', userId: 'bob', isTyping: true });
    const listener = vi.fn();
    room.subscribe(listener);
    socket.serverEmit('message:new', msg(4, 'bob')); // adds a message and ends bob's typing
    expect(listener).toHaveBeenCalledTimes(1);
    expect(room.getSnapshot()).toMatchObject({ typingUserIds: [] });
    const snap = room.getSnapshot();
    socket.serverEmit('message:new', msg(4, 'bob'));
    socket.serverEmit('user:typing', { conversationId: 'c1', userId: 'carol', isTyping: false });
    socket.serverEmit('message:new', msg(9, 'bob', 'another-room'));
    expect(room.getSnapshot()).toBe(snap);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('after missing more than MAX_CATCH_UP messages, or when the server forgot some, reloads from the newest page', async () => {
    vi.useFakeTimers();
    const { client, socket } = await setup();
    const { room } = await joined(socket, client);
    const reconnect = async (lastSeq: number, page: Message[]) => {
      socket.drop();
      await vi.advanceTimersByTimeAsync(1000);
      socket.accept('me');
      await flush();
      socket.reply('conversation:join', { ok: true, conversationId: 'c1', room: 'conversation:c1', participantIds: ['me', 'bob'], lastSeq });
      await flush();
      expect(socket.of('conversation:history').at(-1)?.payload).toEqual({ conversationId: 'c1' });
      socket.reply('conversation:history', { ok: true, messages: page, hasMore: page[0]!.seq > 1 });
      await flush();
    };
    await reconnect(3 + MAX_CATCH_UP + 1, range(955, 1004));
    expect(seqs(client)).toEqual(range(955, 1004).map((m) => m.seq));
    expect(room.getSnapshot()).toMatchObject({ status: 'joined', hasMore: true });
    await reconnect(2, range(1, 2)); // a server restarted with less
    expect(seqs(client)).toEqual([1, 2]);
  });

  it('loadOlder asks for the page before the oldest seq', async () => {
    const { client, socket } = await setup();
    const { room } = await joined(socket, client, range(51, 100), true);
    const p = room.loadOlder();
    expect(room.getSnapshot().loadingOlder).toBe(true);
    expect(room.loadOlder()).toBe(p); // one at a time
    await flush();
    expect(socket.of('conversation:history').at(-1)?.payload).toEqual({ conversationId: 'c1', beforeSeq: 51, limit: 50 });
    socket.reply('conversation:history', { ok: true, messages: range(1, 50), hasMore: false });
    await expect(p).resolves.toBe(true);
    expect(room.getSnapshot()).toMatchObject({ hasMore: false, loadingOlder: false });
    expect(seqs(client)).toEqual(range(1, 100).map((m) => m.seq));
    await expect(room.loadOlder()).resolves.toBe(false);
  });
});

describe('sending and the outbox', () => {
  it('shows a message as sending at once, then sent in seq position', async () => {
    const { client, socket } = await setup();
    const { room } = await joined(socket, client);
    const p = room.send('hi');
    const pending = room.getSnapshot().messages.at(-1)!;
    expect(pending).toMatchObject({ status: 'sending', seq: null, content: 'hi', senderId: 'me', conversationId: 'c1' });
    expect(pending.id).toBe(pending.clientMessageId);
    await flush();
    const sent = socket.of('message:send')[0]!.payload as { clientMessageId: string };
    expect(sent).toEqual({ conversationId: 'c1', content: 'hi', clientMessageId: pending.clientMessageId });
    socket.serverEmit('message:new', msg(4)); // someone else's, before our ack
    expect(room.getSnapshot().messages.map((m) => m.status)).toEqual(['sent', 'sent', 'sent', 'sent', 'sending']);
    socket.reply('message:send', { ok: true, message: { ...msg(5, 'me'), clientMessageId: sent.clientMessageId, content: 'hi' } });
    await expect(p).resolves.toMatchObject({ status: 'sent', seq: 5, content: 'hi' });
    expect(seqs(client)).toEqual([1, 2, 3, 4, 5]);
  });

  it('makes unique clientMessageIds without crypto.randomUUID (insecure contexts)', () => {
    vi.stubGlobal('crypto', undefined);
    try {
      const { client: c } = fakeClient();
      client = c;
      for (let i = 0; i < 50; i++) void c.conversation('c1').send(`m${i}`);
      const ids = c.conversation('c1').getSnapshot().messages.map((m) => m.clientMessageId);
      expect(new Set(ids).size).toBe(50);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('validates content before sending', async () => {
    const { client, socket } = await setup();
    const room = client.conversation('c1');
    await expect(room.send('   ')).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'Message is empty' });
    await expect(room.send('x'.repeat(LIMITS.maxContentLength + 1))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(socket.of('message:send')).toHaveLength(0);
    expect(room.getSnapshot().messages).toHaveLength(0);
  });

  it('queues sends while offline and replays them in order, one at a time, with the same ids', async () => {
    vi.useFakeTimers();
    const { client, socket } = await setup();
    const { room } = await joined(socket, client);
    socket.drop();
    const sends = ['a', 'b', 'c'].map((text) => room.send(text));
    const ids = room.getSnapshot().messages.slice(3).map((m) => m.clientMessageId);
    expect(room.getSnapshot().messages.slice(3).map((m) => [m.content, m.status])).toEqual([['a', 'sending'], ['b', 'sending'], ['c', 'sending']]);
    await vi.advanceTimersByTimeAsync(1000);
    socket.accept('me');
    await flush();
    expect(socket.of('message:send')).toHaveLength(0); // after the rejoin
    socket.reply('conversation:join', { ok: true, conversationId: 'c1', room: 'conversation:c1', participantIds: ['me', 'bob'], lastSeq: 3 });
    await flush();
    for (const [i, content] of ['a', 'b', 'c'].entries()) {
      expect(socket.of('message:send')).toHaveLength(i + 1);
      const payload = socket.of('message:send')[i]!.payload as { clientMessageId: string };
      expect(payload).toMatchObject({ content, clientMessageId: ids[i] });
      socket.reply('message:send', { ok: true, message: { ...msg(4 + i, 'me'), content, clientMessageId: ids[i] } });
      await flush();
    }
    await Promise.all(sends);
    expect(room.getSnapshot().messages.map((m) => [m.seq, m.status])).toEqual([1, 2, 3, 4, 5, 6].map((s) => [s, 'sent']));
  });

  it('retries retryable errors (RATE_LIMITED after retryAfterMs), marks others failed; retry() and discard()', async () => {
    vi.useFakeTimers();
    const { client, socket } = await setup();
    const room = client.conversation('c1');
    const first = room.send('one');
    await flush();
    socket.reply('message:send', { ok: false, error: { code: 'RATE_LIMITED', message: 'wait', retryAfterMs: 300 } });
    await flush();
    await vi.advanceTimersByTimeAsync(299);
    expect(socket.of('message:send')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(socket.of('message:send')).toHaveLength(2);
    socket.reply('message:send', { ok: false, error: { code: 'FORBIDDEN', message: 'not yours' } });
    await expect(first).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const failed = room.getSnapshot().messages[0]!;
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'FORBIDDEN' } });

    const again = room.retry(failed.clientMessageId);
    expect(room.getSnapshot().messages[0]).toMatchObject({ status: 'sending' });
    await flush();
    expect((socket.of('message:send')[2]!.payload as { clientMessageId: string }).clientMessageId).toBe(failed.clientMessageId);
    socket.reply('message:send', { ok: false, error: { code: 'FORBIDDEN', message: 'still not' } });
    await expect(again).rejects.toMatchObject({ code: 'FORBIDDEN' });
    room.discard(failed.clientMessageId);
    expect(room.getSnapshot().messages).toEqual([]);
  });

  it('retries a send that timed out or hit INTERNAL, with the same clientMessageId', async () => {
    vi.useFakeTimers();
    const { client, socket } = await setup({ requestTimeoutMs: 500 });
    const sending = client.conversation('c1').send('persistent');
    await flush();
    await vi.advanceTimersByTimeAsync(500); // no ack: TIMEOUT
    expect(client.conversation('c1').getSnapshot().messages[0]?.status).toBe('sending');
    await vi.advanceTimersByTimeAsync(1000);
    expect(socket.of('message:send')).toHaveLength(2);
    socket.reply('message:send', { ok: false, error: { code: 'INTERNAL', message: 'oops' } }); // the late first ack is ignored
    socket.reply('message:send', { ok: false, error: { code: 'INTERNAL', message: 'oops' } });
    await vi.advanceTimersByTimeAsync(1000);
    const sent = socket.of('message:send').map((p) => (p.payload as { clientMessageId: string }).clientMessageId);
    expect(sent).toHaveLength(3);
    expect(new Set(sent).size).toBe(1);
    socket.reply('message:send', { ok: true, message: { ...msg(1, 'me'), clientMessageId: sent[0], content: 'persistent' } });
    await expect(sending).resolves.toMatchObject({ status: 'sent', seq: 1 });
  });

  it(`fails a message after ${MAX_SEND_ATTEMPTS} retryable failures with the last reason, and the outbox moves on (issue 19, kind 7)`, async () => {
    vi.useFakeTimers();
    const { client, socket } = await setup();
    const room = client.conversation('c1');
    const stuck = room.send('refused every time');
    const next = room.send('next');
    for (let attempt = 1; attempt <= MAX_SEND_ATTEMPTS; attempt++) {
      await flush();
      expect(socket.of('message:send')).toHaveLength(attempt);
      socket.reply('message:send', { ok: false, error: { code: 'INTERNAL', message: `attempt ${attempt}` } });
      await vi.advanceTimersByTimeAsync(1000);
    }
    await expect(stuck).rejects.toMatchObject({ code: 'INTERNAL', message: `attempt ${MAX_SEND_ATTEMPTS}` });
    expect(room.getSnapshot().messages[0]).toMatchObject({ status: 'failed', error: { code: 'INTERNAL' } });
    // The next message goes out now, not after the first.
    const sent = socket.of('message:send');
    expect(sent).toHaveLength(MAX_SEND_ATTEMPTS + 1);
    const nextId = (sent.at(-1)!.payload as { clientMessageId: string }).clientMessageId;
    socket.reply('message:send', { ok: true, message: { ...msg(1, 'me'), clientMessageId: nextId, content: 'next' } });
    await expect(next).resolves.toMatchObject({ status: 'sent' });
    // retry() starts the count over.
    const failed = room.getSnapshot().messages.find((m) => m.status === 'failed')!;
    void room.retry(failed.clientMessageId).catch(() => undefined);
    await flush();
    socket.reply('message:send', { ok: false, error: { code: 'INTERNAL', message: 'again' } });
    await vi.advanceTimersByTimeAsync(1000);
    expect(room.getSnapshot().messages.find((m) => m.clientMessageId === failed.clientMessageId)).toMatchObject({ status: 'sending' });
  });

  it('a send() made while the previous one waits out retryAfterMs queues behind it, not sooner', async () => {
    vi.useFakeTimers();
    const { client, socket } = await setup();
    const room = client.conversation('c1');
    void room.send('one').catch(() => undefined);
    await flush();
    socket.reply('message:send', { ok: false, error: { code: 'RATE_LIMITED', message: 'wait', retryAfterMs: 3000 } });
    await vi.advanceTimersByTimeAsync(100);
    void room.send('two').catch(() => undefined);
    await vi.advanceTimersByTimeAsync(2899);
    expect(socket.of('message:send')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(socket.of('message:send').map((p) => (p.payload as { content: string }).content)).toEqual(['one', 'one']);
    client.destroy();
  });

  it('sends a send() made while the previous send settles, whatever the microtask it lands in (no lost wake-up)', async () => {
    for (let hops = 0; hops < 16; hops++) {
      const { client, socket } = await setup();
      const room = client.conversation('c1');
      void room.send('first');
      await flush();
      const firstId = (socket.of('message:send')[0]!.payload as { clientMessageId: string }).clientMessageId;
      let chain = Promise.resolve();
      for (let i = 0; i < hops; i++) chain = chain.then(() => undefined);
      void chain.then(() => room.send('second').catch(() => undefined));
      socket.reply('message:send', { ok: true, message: { ...msg(1, 'me'), clientMessageId: firstId, content: 'first' } });
      for (let i = 0; i < 4; i++) await flush(); // past the longest chain
      expect({ hops, sent: socket.of('message:send').length }).toEqual({ hops, sent: 2 });
      client.destroy();
    }
  });

  it('rejects with OUTBOX_FULL past outbox.maxSize', async () => {
    const { client } = fakeClient({ outbox: { maxSize: 2 } });
    const room = client.conversation('c1');
    void room.send('1');
    void room.send('2');
    await expect(room.send('3')).rejects.toMatchObject({ code: 'OUTBOX_FULL' });
    expect(room.getSnapshot().messages).toHaveLength(2);
    client.destroy();
  });

  it.each(['async', 'sync'])('persists the outbox (%s storage) and restores it as pending when the conversation is opened', async (kind) => {
    const data = new Map<string, string>();
    const sync = {
      getItem: (k: string) => data.get(k) ?? null,
      setItem: (k: string, v: string) => void data.set(k, v),
      removeItem: (k: string) => void data.delete(k),
    };
    const storage =
      kind === 'sync'
        ? sync
        : { getItem: async (k: string) => sync.getItem(k), setItem: async (k: string, v: string) => sync.setItem(k, v), removeItem: async (k: string) => sync.removeItem(k) };
    const first = fakeClient({ outbox: { storage } });
    void first.client.conversation('c1').send('kept 1');
    void first.client.conversation('c1').send('kept 2');
    await flush();
    first.client.destroy();
    expect(JSON.parse(data.get('socketkit:outbox')!)).toHaveLength(2);

    const second = fakeClient({ outbox: { storage } });
    client = second.client;
    await flush();
    const pending = second.client.conversation('c1').getSnapshot().messages;
    expect(pending.map((m) => [m.content, m.status])).toEqual([['kept 1', 'sending'], ['kept 2', 'sending']]);
    second.client.connect();
    await flush();
    second.socket.accept('me');
    await flush();
    const ids = pending.map((m) => m.clientMessageId);
    expect((second.socket.of('message:send')[0]!.payload as { clientMessageId: string }).clientMessageId).toBe(ids[0]);
    second.socket.reply('message:send', { ok: true, message: { ...msg(1, 'me'), clientMessageId: ids[0], content: 'kept 1' } });
    await flush();
    second.socket.reply('message:send', { ok: true, message: { ...msg(2, 'me'), clientMessageId: ids[1], content: 'kept 2' } });
    await flush();
    expect(data.has('socketkit:outbox')).toBe(false);
  });
});

describe('typing', () => {
  it('throttles typing:start to one per 2 s and stops by itself after 3 s idle', async () => {
    vi.useFakeTimers();
    const { client, socket } = await setup();
    const { room } = await joined(socket, client);
    room.startTyping();
    room.startTyping();
    await vi.advanceTimersByTimeAsync(1000);
    room.startTyping();
    expect(socket.of('typing:start')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    room.startTyping();
    expect(socket.of('typing:start')).toHaveLength(2);
    expect(socket.of('typing:stop')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(2999);
    expect(socket.of('typing:stop')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(socket.of('typing:stop').map((p) => p.payload)).toEqual([{ conversationId: 'c1' }]);
    room.startTyping();
    room.stopTyping();
    room.stopTyping();
    expect(socket.of('typing:start')).toHaveLength(3);
    expect(socket.of('typing:stop')).toHaveLength(2);
  });

  it('keeps throttling by elapsed time when the wall clock steps back an hour (issue 19, kind 5)', async () => {
    vi.useFakeTimers();
    const { client, socket } = await setup();
    const { room } = await joined(socket, client);
    room.startTyping();
    await vi.advanceTimersByTimeAsync(2000);
    // NTP or a VM resume: Date.now() jumps back, performance.now() goes on.
    vi.setSystemTime(Date.now() - 3_600_000);
    room.startTyping();
    expect(socket.of('typing:start')).toHaveLength(2);
  });

  it("shows others typing, ignores our own, expires by itself, and clears on the typist's message", async () => {
    vi.useFakeTimers();
    const { client, socket } = await setup();
    const { room } = await joined(socket, client);
    socket.serverEmit('user:typing', { conversationId: 'c1', userId: 'me', isTyping: true });
    expect(room.getSnapshot().typingUserIds).toEqual([]);
    socket.serverEmit('user:typing', { conversationId: 'c1', userId: 'bob', isTyping: true });
    socket.serverEmit('user:typing', { conversationId: 'c1', userId: 'carol', isTyping: true });
    socket.serverEmit('user:typing', { conversationId: 'other', userId: 'dave', isTyping: true });
    const snap = room.getSnapshot();
    expect(snap.typingUserIds).toEqual(['bob', 'carol']);
    socket.serverEmit('user:typing', { conversationId: 'c1', userId: 'bob', isTyping: true });
    expect(room.getSnapshot()).toBe(snap); // same users: same snapshot
    socket.serverEmit('message:new', msg(4, 'bob'));
    expect(room.getSnapshot().typingUserIds).toEqual(['carol']);
    await vi.advanceTimersByTimeAsync(TYPING_EXPIRY_MS - 1);
    expect(room.getSnapshot().typingUserIds).toEqual(['carol']);
    await vi.advanceTimersByTimeAsync(1);
    expect(room.getSnapshot().typingUserIds).toEqual([]);
    socket.serverEmit('user:typing', { conversationId: 'c1', userId: 'dave', isTyping: true });
    socket.serverEmit('user:typing', { conversationId: 'c1', userId: 'dave', isTyping: false });
    expect(room.getSnapshot().typingUserIds).toEqual([]);
  });
});
