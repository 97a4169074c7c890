/**
 * `inspectClient` (docs/client.md, "Inspecting a client"): the outbox with
 * each item's status and failed attempts, the conversations with their joins
 * and seq cursors, and the watched users, as plain copies; null in a
 * production build. A fake socket plays the server: the retry timing of the
 * outbox is the subject.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { inspectClient, MAX_SEND_ATTEMPTS, type Message, type RealtimeClient } from 'socketkit';
import { fakeClient, flush } from './fake-socket.js';

let client: RealtimeClient | undefined;
afterEach(() => {
  client?.destroy();
  vi.useRealTimers();
});

const msg = (seq: number, content = `hello ${seq}`, clientMessageId = `cm-${seq}`): Message => ({
  id: `m${seq}`,
  seq,
  conversationId: 'c1',
  senderId: 'bob',
  content,
  createdAt: new Date(seq * 1000).toISOString(),
  clientMessageId,
});

async function connected() {
  const made = fakeClient();
  client = made.client;
  made.client.connect();
  await flush();
  made.socket.accept('me');
  return made;
}

describe('inspectClient', () => {
  it('shows a joined conversation with its seq cursor and the watched participant', async () => {
    const { client, socket } = await connected();
    expect(inspectClient(client)).toEqual({ outbox: [], conversations: [], presence: [] });
    const release = client.conversation('c1').join();
    await flush();
    socket.reply('conversation:join', { ok: true, conversationId: 'c1', room: 'conversation:c1', participantIds: ['me', 'bob'], lastSeq: 3 });
    await flush();
    socket.reply('conversation:history', { ok: true, messages: [msg(1), msg(2), msg(3)], hasMore: false });
    await flush();

    const state = inspectClient(client)!;
    expect(state.conversations).toEqual([
      { conversationId: 'c1', status: 'joined', joins: 1, subscribers: 0, contiguousSeq: 3, newestSeq: 3, messages: 3, pending: 0 },
    ]);
    expect(state.presence.find((w) => w.userId === 'bob')).toEqual({ userId: 'bob', watchers: 1, subscribed: true, presence: null });
    socket.reply('presence:subscribe', { ok: true, users: [{ userId: 'bob', online: true, since: '2026-01-01T00:00:00.000Z' }] });
    await flush();
    expect(inspectClient(client)!.presence.find((w) => w.userId === 'bob')?.presence).toEqual({
      online: true,
      since: '2026-01-01T00:00:00.000Z',
      lastSeen: null,
    });

    // A new message moves the cursor; a copy read before does not change.
    socket.serverEmit('message:new', msg(4));
    await flush();
    expect(state.conversations[0]!.contiguousSeq).toBe(3);
    expect(inspectClient(client)!.conversations[0]).toMatchObject({ contiguousSeq: 4, newestSeq: 4, messages: 4 });

    // Offline, the server forgot the subscription; released, the conversation is let go.
    socket.drop();
    await flush();
    expect(inspectClient(client)!.presence.find((w) => w.userId === 'bob')).toMatchObject({ subscribed: false, presence: { stale: true } });
    release();
    await flush();
    expect(inspectClient(client)).toMatchObject({ conversations: [], presence: [] });
  });

  it("shows each outbox item's status and failed attempts until it is acked, failed or discarded", async () => {
    vi.useFakeTimers();
    const { client, socket } = await connected();
    const room = client.conversation('c1');
    const first = room.send('one');
    await flush();
    const [item] = inspectClient(client)!.outbox;
    expect(item).toEqual({ clientMessageId: item!.clientMessageId, conversationId: 'c1', content: 'one', status: 'sending', failedAttempts: 0, errorCode: null });

    socket.reply('message:send', { ok: false, error: { code: 'INTERNAL', message: 'oops' } });
    await flush();
    expect(inspectClient(client)!.outbox[0]).toMatchObject({ status: 'sending', failedAttempts: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    socket.reply('message:send', { ok: true, message: msg(1, 'one', item!.clientMessageId) });
    await first;
    expect(inspectClient(client)!.outbox).toEqual([]);

    const stuck = room.send('refused every time');
    for (let attempt = 1; attempt <= MAX_SEND_ATTEMPTS; attempt++) {
      await flush();
      socket.reply('message:send', { ok: false, error: { code: 'INTERNAL', message: `attempt ${attempt}` } });
      await vi.advanceTimersByTimeAsync(1000);
    }
    await expect(stuck).rejects.toMatchObject({ code: 'INTERNAL' });
    const failed = inspectClient(client)!.outbox[0]!;
    expect(failed).toMatchObject({ content: 'refused every time', status: 'failed', failedAttempts: MAX_SEND_ATTEMPTS, errorCode: 'INTERNAL' });

    // retry() starts the count over; discard() removes the item.
    void room.retry(failed.clientMessageId).catch(() => undefined);
    expect(inspectClient(client)!.outbox[0]).toMatchObject({ status: 'sending', failedAttempts: 0, errorCode: null });
    room.discard(failed.clientMessageId);
    expect(inspectClient(client)!.outbox).toEqual([]);
  });

  it('returns null in a production build, where the client keeps nothing for it', () => {
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      const made = fakeClient();
      client = made.client;
      expect(inspectClient(made.client)).toBeNull();
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
  });
});
