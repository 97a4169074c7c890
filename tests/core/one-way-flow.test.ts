import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConversationSnapshot, Message, RealtimeClient } from 'socketkit';
import { fakeClient, flush } from './fake-socket.js';

/**
 * Every snapshot a conversation store makes, counted where it is made: `batch`
 * folds notifications, so a listener alone cannot see a snapshot that was made
 * and replaced within one event (e.g. the confirmed message shown beside its
 * pending twin). The store module is the core's own; socket.io is not mocked.
 */
const made = vi.hoisted(() => ({ snapshots: [] as unknown[] }));
vi.mock('../../src/core/store.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/core/store.js')>();
  return {
    ...actual,
    createStore<T extends object>(initial: T) {
      const store = actual.createStore(initial);
      if (!('conversationId' in initial)) return store;
      return {
        ...store,
        set(patch: Partial<T>) {
          const before = store.getSnapshot();
          store.set(patch);
          if (store.getSnapshot() !== before) made.snapshots.push(store.getSnapshot());
        },
      };
    },
  };
});

let client: RealtimeClient | undefined;
afterEach(() => client?.destroy());

const stored = (clientMessageId: string): Message => ({
  id: 'm4',
  seq: 4,
  conversationId: 'c1',
  senderId: 'me',
  content: 'hi',
  createdAt: new Date(4000).toISOString(),
  clientMessageId,
});

describe('one-way flow from the outbox to a conversation', () => {
  it('one send and its ack make two snapshots: the pending message, then the stored one in its place', async () => {
    const fake = fakeClient();
    client = fake.client;
    const { socket } = fake;
    client.connect();
    await flush();
    socket.accept('me');
    const room = client.conversation('c1');
    room.join();
    await flush();
    socket.reply('conversation:join', { ok: true, conversationId: 'c1', room: 'conversation:c1', participantIds: ['me'], lastSeq: 3 });
    await flush();
    socket.reply('conversation:history', { ok: true, messages: [], hasMore: false });
    await flush();
    const notified = vi.fn();
    room.subscribe(notified);
    made.snapshots.length = 0;

    const sent = room.send('hi');
    await flush();
    const { clientMessageId } = socket.of('message:send')[0]!.payload as { clientMessageId: string };
    socket.reply('message:send', { ok: true, message: stored(clientMessageId) });
    await expect(sent).resolves.toMatchObject({ status: 'sent', seq: 4 });

    const shown = (made.snapshots as ConversationSnapshot[]).map((snapshot) => snapshot.messages.map((m) => m.status));
    expect(shown).toEqual([['sending'], ['sent']]);
    expect(notified).toHaveBeenCalledTimes(2);
  });
});
