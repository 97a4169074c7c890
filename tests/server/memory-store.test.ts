import { describe, expect, it } from 'vitest';
import { createMemoryStore } from 'socketkit/server';
import { TokenBucket } from 'socketkit/server/internal';
import { defaultSeed } from 'socketkit/mock-server';

const store = () =>
  createMemoryStore({ users: [{ id: 'a', name: 'A' }], conversations: [{ id: 'c', participantIds: ['a', 'b'], generatedMessages: 10 }] });
const seqs = (page: { messages: { seq: number }[] }) => page.messages.map((m) => m.seq);

describe('createMemoryStore', () => {
  it('pages history by cursors in O(page): after, before, both, neither', () => {
    const s = store();
    expect(s.history({ conversationId: 'c', limit: 3 })).toMatchObject({ hasMore: true });
    expect(seqs(s.history({ conversationId: 'c', limit: 3 }))).toEqual([8, 9, 10]);
    expect(seqs(s.history({ conversationId: 'c', afterSeq: 2, limit: 3 }))).toEqual([3, 4, 5]);
    expect(seqs(s.history({ conversationId: 'c', beforeSeq: 4, limit: 5 }))).toEqual([1, 2, 3]);
    const between = s.history({ conversationId: 'c', afterSeq: 2, beforeSeq: 6, limit: 2 });
    expect(seqs(between)).toEqual([3, 4]);
    expect(between.hasMore).toBe(true);
    expect(s.history({ conversationId: 'c', afterSeq: 2, beforeSeq: 6, limit: 3 }).hasMore).toBe(false);
    expect(s.history({ conversationId: 'c', beforeSeq: 0, limit: 3 })).toEqual({ messages: [], hasMore: false });
    expect(s.history({ conversationId: 'c', afterSeq: 99, limit: 3 })).toEqual({ messages: [], hasMore: false });
    expect(s.history({ conversationId: 'missing', limit: 3 })).toEqual({ messages: [], hasMore: false });
  });

  it('is idempotent per (conversation, sender, clientMessageId) and counts seq without gaps', () => {
    const s = store();
    const first = s.appendMessage({ conversationId: 'c', senderId: 'a', content: 'x', clientMessageId: 'k' });
    const again = s.appendMessage({ conversationId: 'c', senderId: 'a', content: 'changed', clientMessageId: 'k' });
    const other = s.appendMessage({ conversationId: 'c', senderId: 'b', content: 'y', clientMessageId: 'k' });
    expect(first).toMatchObject({ created: true, message: { seq: 11, content: 'x' } });
    expect(again).toEqual({ created: false, message: first.message });
    expect(other.message.seq).toBe(12);
    expect(s.lastSeq('c')).toBe(12);
  });

  it('answers membership as true / false / undefined (unknown)', () => {
    const s = store();
    expect(s.isParticipant('c', 'a')).toBe(true);
    expect(s.isParticipant('c', 'z')).toBe(false);
    expect(s.isParticipant('nope', 'a')).toBeUndefined();
  });

  it('keeps stored names unless a claim brings one', () => {
    const s = store();
    s.upsertUser({ id: 'a' });
    expect(s.getUser('a')).toEqual({ id: 'a', name: 'A' });
    s.upsertUser({ id: 'a', name: 'Alias' });
    expect(s.getUser('a')?.name).toBe('Alias');
    s.upsertUser({ id: 'new' });
    expect(s.getUser('new')).toEqual({ id: 'new', name: 'new' });
  });

  it('reset() goes back to the seed', () => {
    const s = store();
    s.createConversation({ participantIds: ['a'], title: null, createdBy: 'a' });
    s.appendMessage({ conversationId: 'c', senderId: 'a', content: 'x', clientMessageId: 'k' });
    s.reset();
    expect(s.listConversations('a').map((c) => c.id)).toEqual(['c']);
    expect(s.lastSeq('c')).toBe(10);
  });

  it('builds the default seed quickly: the 10,000-message history is built on first use', () => {
    const t0 = performance.now();
    const s = createMemoryStore(defaultSeed());
    const created = performance.now() - t0;
    expect(created).toBeLessThan(100);
    expect(s.lastSeq('long-history')).toBe(10_000);
    expect(s.history({ conversationId: 'long-history', afterSeq: 0, limit: 1 }).messages[0]).toMatchObject({ id: 'long-history:1', seq: 1 });
  });
});

describe('TokenBucket', () => {
  it('allows a burst, then refills at the sustained rate and says when to retry', () => {
    let now = 0;
    const bucket = new TokenBucket({ burst: 2, perSecond: 4 }, () => now);
    expect([bucket.take(), bucket.take()]).toEqual([0, 0]);
    expect(bucket.take()).toBe(250);
    now = 250;
    expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBe(250);
    now = 10_000;
    expect([bucket.take(), bucket.take(), bucket.take() > 0]).toEqual([0, 0, true]);
  });
});
