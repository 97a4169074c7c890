/**
 * The store conformance suite: the `SocketkitStore` contract, run against
 * every store socketkit ships (memory, embedded PGlite, PostgreSQL), and a
 * reopen of the durable ones. A custom store can run the same cases.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore, type SocketkitStore } from 'socketkit/server';
import { createEmbeddedStore, openEmbeddedDatabase } from 'socketkit/server/embedded';
import { createPostgresStore, postgresDatabase } from 'socketkit/server/postgres';
import { isStorableText, LIMITS, type StoredNotification } from 'socketkit/protocol';
import type { SqlDatabase } from '../../src/server/sql/database.js';
import { MIGRATIONS } from '../../src/server/sql/schema.js';
import { createSqlStore } from '../../src/server/sql/sql-store.js';
import { appendBatches } from '../../src/server/sql/append-batches.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';

/** A store under test; durable ones can be closed and opened again on the same data. */
interface StoreHandle {
  store: SocketkitStore;
  /** Closes this store and opens a new one on the same data (durable stores only). */
  reopen?: () => Promise<StoreHandle>;
  close(): Promise<void>;
}

interface StoreKind {
  name: string;
  durable: boolean;
  open(): Promise<StoreHandle>;
  /**
   * Durable stores: a store over fresh data whose database connection `fault`
   * can break, and how to open the same data again after the "crash".
   */
  openFaulty?(fault: Fault): Promise<{ store: SocketkitStore; crash(): Promise<void>; restart(): Promise<StoreHandle> }>;
}

/** When armed, every batch append (migration 3, 5, 6 or 7 function) commits in the database and then its answer is lost (a connection dying after COMMIT). */
interface Fault {
  armed: boolean;
  lost: number;
  /** When given, the client message ids of each append statement, in the order they were issued. */
  appends?: string[][];
}

/** `db` with `fault` between it and the store. */
function lossAfterCommit(db: SqlDatabase, fault: Fault): SqlDatabase {
  return {
    ...db,
    async query<Row>(text: string, params?: readonly unknown[]) {
      if (fault.appends && /socketkit_send_messages(_optimistic)?\(/.test(text)) fault.appends.push(params?.[3] as string[]);
      const result = await db.query<Row>(text, params);
      if (fault.armed && /socketkit_(append|send)_messages(_optimistic)?\(/.test(text)) {
        fault.lost++;
        throw new Error('connection lost after COMMIT (test fault)');
      }
      return result;
    },
    exec: (sql) => db.exec(sql),
    transaction: (fn) => db.transaction(fn),
    ping: () => db.ping(),
    close: () => db.close(),
  };
}

let postgres: TestPostgres | undefined;
const tempDirs: string[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
}, 120_000);

afterAll(async () => {
  await postgres?.stop();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function openEmbedded(dataDir: string): Promise<StoreHandle> {
  return createEmbeddedStore({ dataDir }).then((store) => ({
    store,
    close: () => store.close(),
    async reopen() {
      await store.close();
      return openEmbedded(dataDir);
    },
  }));
}

async function openPostgres(url: string): Promise<StoreHandle> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => undefined);
  const store = await createPostgresStore({ pool });
  return {
    store,
    close: () => pool.end(),
    async reopen() {
      await pool.end();
      return openPostgres(url);
    },
  };
}

const KINDS: StoreKind[] = [
  {
    name: 'memory',
    durable: false,
    open: () => {
      const store = createMemoryStore();
      return Promise.resolve({ store, close: () => Promise.resolve() });
    },
  },
  {
    name: 'embedded (PGlite)',
    durable: true,
    open: () => {
      const dir = mkdtempSync(join(tmpdir(), 'socketkit-embedded-'));
      tempDirs.push(dir);
      return openEmbedded(dir);
    },
    async openFaulty(fault) {
      const dir = mkdtempSync(join(tmpdir(), 'socketkit-embedded-'));
      tempDirs.push(dir);
      const db = await openEmbeddedDatabase({ dataDir: dir });
      const store = await createSqlStore(lossAfterCommit(db, fault));
      return { store, crash: () => db.close(), restart: () => openEmbedded(dir) };
    },
  },
  {
    name: 'PostgreSQL',
    durable: true,
    open: async () => openPostgres(await postgres!.createDatabase()),
    async openFaulty(fault) {
      const url = await postgres!.createDatabase();
      const pool = new pg.Pool({ connectionString: url, max: 10 });
      pool.on('error', () => undefined);
      const store = await createSqlStore(lossAfterCommit(postgresDatabase(pool), fault));
      return { store, crash: () => pool.end(), restart: () => openPostgres(url) };
    },
  },
];

/** Calls `appendMessage` for each input in the same turn (so a batching store gets them in one batch); settles each. */
const appendAtOnce = (store: SocketkitStore, inputs: Parameters<SocketkitStore['appendMessage']>[0][]) =>
  Promise.allSettled(inputs.map((input) => Promise.resolve().then(() => store.appendMessage(input))));
/** A second connection that holds conversation rows (`FOR UPDATE` in an open transaction), as a long transaction or another node's batch would. */
async function rowLockHolder(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    async hold(conversationIds: string[]): Promise<void> {
      await client.query('BEGIN');
      await client.query('SELECT 1 FROM socketkit_conversations WHERE id = ANY ($1) FOR UPDATE', [conversationIds]);
    },
    release: async (): Promise<void> => void (await client.query('COMMIT')),
    end: () => client.end().catch(() => undefined),
  };
}
/** Text every store must keep exactly (issue 19, kind 7). */
const STORABLE_TEXTS = [
  { name: 'control characters', text: 'a\u0001b\u001f\u007f' },
  { name: 'tabs and line breaks', text: 'tab\tline\r\nbreak' },
  { name: 'emoji and astral characters', text: '😀👩‍👩‍👧 𝄞' },
  { name: 'combining marks and right-to-left text', text: 'e\u0301 \u202eשלום' },
  { name: 'noncharacters and a BOM', text: '\ufeff\ufffe\uffff' },
  { name: 'SQL and escape characters', text: `\\ % _ ' " $1 --` },
];
/** Text validation refuses: at least one store cannot keep it. */
const UNSTORABLE_TEXTS = [
  { name: 'a NUL character', text: 'a\u0000b' },
  { name: 'a lone high surrogate', text: 'a\ud83d' },
  { name: 'a lone low surrogate', text: '\ude00b' },
];

const newConversation = (store: SocketkitStore, participantIds = ['alice', 'bob'], title: string | null = null) =>
  Promise.resolve(store.createConversation({ participantIds, title, createdBy: participantIds[0] as string }));

describe.each(KINDS)('$name store', (kind) => {
  let handle: StoreHandle;
  let store: SocketkitStore;

  beforeAll(async () => {
    handle = await kind.open();
    store = handle.store;
  }, 120_000);

  afterAll(async () => {
    await handle?.close();
  });

  it('assigns gapless seq 1…n to concurrent senders, each retry answered with the stored message', async () => {
    const senders = ['alice', 'bob', 'carol', 'dave'];
    const conversation = await newConversation(store, senders);
    const perSender = 15;
    const sends = senders.flatMap((senderId) =>
      Array.from({ length: perSender }, (_, i) => ({ conversationId: conversation.id, senderId, content: `${senderId} ${i}`, clientMessageId: `c${i}` })),
    );
    // Every message is sent twice at once: the original and a retry racing it.
    const results = await Promise.all([...sends, ...sends].map((input) => Promise.resolve(store.appendMessage(input))));

    const created = results.filter((r) => r.created);
    expect(created).toHaveLength(sends.length);
    expect(created.map((r) => r.message.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: sends.length }, (_, i) => i + 1));
    const byKey = new Map<string, string>();
    for (const { message } of results) {
      const key = `${message.senderId}/${message.clientMessageId}`;
      const id = byKey.get(key);
      if (id === undefined) byKey.set(key, message.id);
      else expect(message.id).toBe(id);
    }
    expect(byKey.size).toBe(sends.length);
    expect(await store.lastSeq(conversation.id)).toBe(sends.length);
    const page = await store.history({ conversationId: conversation.id, limit: 1000 });
    expect(page.messages.map((m) => m.seq)).toEqual(Array.from({ length: sends.length }, (_, i) => i + 1));
  }, 60_000);

  it('is idempotent on (conversation, sender, clientMessageId) only', async () => {
    const a = await newConversation(store);
    const b = await newConversation(store);
    const first = await store.appendMessage({ conversationId: a.id, senderId: 'alice', content: 'hi', clientMessageId: 'same' });
    expect(first).toMatchObject({ created: true, message: { seq: 1, content: 'hi', senderId: 'alice', clientMessageId: 'same' } });
    expect(typeof first.message.seq).toBe('number');
    const repeat = await store.appendMessage({ conversationId: a.id, senderId: 'alice', content: 'changed', clientMessageId: 'same' });
    expect(repeat).toEqual({ created: false, message: first.message });
    const otherSender = await store.appendMessage({ conversationId: a.id, senderId: 'bob', content: 'hi', clientMessageId: 'same' });
    expect(otherSender).toMatchObject({ created: true, message: { seq: 2 } });
    const otherConversation = await store.appendMessage({ conversationId: b.id, senderId: 'alice', content: 'hi', clientMessageId: 'same' });
    expect(otherConversation).toMatchObject({ created: true, message: { seq: 1, conversationId: b.id } });
    expect(Date.parse(first.message.createdAt)).not.toBeNaN();
  });

  it('rejects a message to an unknown conversation', async () => {
    await expect(
      Promise.resolve().then(() => store.appendMessage({ conversationId: 'nope', senderId: 'alice', content: 'x', clientMessageId: 'x' })),
    ).rejects.toThrow();
  });

  it('pages history by cursors and limits, ascending', async () => {
    const c = await newConversation(store);
    for (let i = 1; i <= 10; i++) {
      await store.appendMessage({ conversationId: c.id, senderId: 'alice', content: `m${i}`, clientMessageId: `h${i}` });
    }
    const seqs = async (query: { afterSeq?: number; beforeSeq?: number; limit: number }) => {
      const page = await store.history({ conversationId: c.id, ...query });
      return { seqs: page.messages.map((m) => m.seq), hasMore: page.hasMore };
    };
    expect(await seqs({ limit: 3 })).toEqual({ seqs: [8, 9, 10], hasMore: true });
    expect(await seqs({ beforeSeq: 8, limit: 3 })).toEqual({ seqs: [5, 6, 7], hasMore: true });
    expect(await seqs({ beforeSeq: 3, limit: 5 })).toEqual({ seqs: [1, 2], hasMore: false });
    expect(await seqs({ beforeSeq: 1, limit: 5 })).toEqual({ seqs: [], hasMore: false });
    expect(await seqs({ afterSeq: 0, limit: 4 })).toEqual({ seqs: [1, 2, 3, 4], hasMore: true });
    expect(await seqs({ afterSeq: 8, limit: 4 })).toEqual({ seqs: [9, 10], hasMore: false });
    expect(await seqs({ afterSeq: 10, limit: 4 })).toEqual({ seqs: [], hasMore: false });
    expect(await seqs({ afterSeq: 2, beforeSeq: 6, limit: 2 })).toEqual({ seqs: [3, 4], hasMore: true });
    expect(await seqs({ afterSeq: 2, beforeSeq: 6, limit: 10 })).toEqual({ seqs: [3, 4, 5], hasMore: false });
    expect(await seqs({ limit: 100 })).toEqual({ seqs: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], hasMore: false });
    const page = await store.history({ conversationId: c.id, afterSeq: 0, limit: 1 });
    expect(page.messages[0]).toMatchObject({ content: 'm1', senderId: 'alice', clientMessageId: 'h1', conversationId: c.id });
    expect(await store.history({ conversationId: 'unknown', limit: 5 })).toEqual({ messages: [], hasMore: false });
  });

  it('keeps conversations and their participants', async () => {
    const c = await newConversation(store, ['erin', 'frank', 'gina'], 'Planning');
    expect(c).toMatchObject({ title: 'Planning', participantIds: ['erin', 'frank', 'gina'] });
    expect(Date.parse(c.createdAt)).not.toBeNaN();
    expect(await store.getConversation(c.id)).toEqual(c);
    expect(await store.getConversation('missing')).toBeUndefined();
    expect(await store.isParticipant(c.id, 'frank')).toBe(true);
    expect(await store.isParticipant(c.id, 'alice')).toBe(false);
    expect(await store.isParticipant('missing', 'frank')).toBeUndefined();
    expect(await store.lastSeq(c.id)).toBe(0);
    expect(await store.lastSeq('missing')).toBe(0);

    const later = await newConversation(store, ['frank', 'henry']);
    expect(later.title).toBeNull();
    const frank = await store.listConversations('frank');
    expect(frank.map((x) => x.id)).toEqual([later.id, c.id]);
    expect((await store.listConversations('henry')).map((x) => x.id)).toEqual([later.id]);
    expect(await store.listConversations('nobody')).toEqual([]);
  });

  it('answers contacts and conversation ids of several users asked at once, each its own', async () => {
    const c = await newConversation(store, ['ct-erin', 'ct-frank', 'ct-gina']);
    const later = await newConversation(store, ['ct-frank', 'ct-henry']);
    const users = ['ct-frank', 'ct-henry', 'ct-nobody', 'ct-frank'];
    // In one turn, so a batching store answers them with one query.
    const [contacts, ids] = await Promise.all([
      Promise.all(users.map((u) => Promise.resolve().then(() => store.listContacts?.(u)))),
      Promise.all(users.map((u) => Promise.resolve().then(() => store.listConversationIds?.(u)))),
    ]);
    const sorted = (xs: string[] | undefined) => [...(xs ?? [])].sort();
    expect(contacts.map(sorted)).toEqual([
      ['ct-erin', 'ct-frank', 'ct-gina', 'ct-henry'],
      ['ct-frank', 'ct-henry'],
      [],
      ['ct-erin', 'ct-frank', 'ct-gina', 'ct-henry'],
    ]);
    if (store.listConversationIds) expect(ids.map(sorted)).toEqual([[c.id, later.id].sort(), [later.id], [], [c.id, later.id].sort()]);
  });

  it('records users from claims: given fields win, absent ones are kept, a new user is named by its id', async () => {
    await store.upsertUser({ id: 'u-ivy' });
    expect(await store.getUser('u-ivy')).toEqual({ id: 'u-ivy', name: 'u-ivy' });
    await store.upsertUser({ id: 'u-ivy', name: 'Ivy', email: 'ivy@example.com' });
    await store.upsertUser({ id: 'u-ivy', avatarUrl: 'https://example.com/ivy.png' });
    expect(await store.getUser('u-ivy')).toEqual({
      id: 'u-ivy',
      name: 'Ivy',
      email: 'ivy@example.com',
      avatarUrl: 'https://example.com/ivy.png',
    });
    await store.upsertUser({ id: 'u-jo', name: 'Jo' });
    const users = await store.listUsers();
    expect(users.filter((u) => u.id.startsWith('u-')).map((u) => u.id).sort()).toEqual(['u-ivy', 'u-jo']);
    expect(await store.getUser('u-nobody')).toBeUndefined();
  });

  it('a profile the database cannot store (a NUL character) refuses only its own upsert; the profiles and lookups asked with it are answered, also when it is the only profile', async () => {
    const c = await newConversation(store, ['pf-ann', 'pf-bo']);
    // In one turn, so a batching store puts them in one batch (one statement on the SQL stores).
    const asked = await Promise.allSettled([
      Promise.resolve(store.upsertUser({ id: 'pf-ann', name: 'Ann' })),
      Promise.resolve(store.upsertUser({ id: 'pf-bad', name: 'nul \u0000 here' })),
      Promise.resolve(store.listConversationIds?.('pf-ann')),
      Promise.resolve(store.listContacts?.('pf-bo')),
      Promise.resolve(store.upsertUser({ id: 'pf-cy' })),
    ]);
    const [ann, bad, ids, contacts, cy] = asked;
    expect([ann.status, cy.status, ids.status, contacts.status]).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    // The memory store keeps any string; a durable one refuses what PostgreSQL cannot store.
    expect(bad.status).toBe(kind.durable ? 'rejected' : 'fulfilled');
    if (store.listConversationIds) expect(ids).toEqual({ status: 'fulfilled', value: [c.id] });
    if (store.listContacts) expect([...((contacts as PromiseFulfilledResult<string[]>).value ?? [])].sort()).toEqual(['pf-ann', 'pf-bo']);
    expect(await store.getUser('pf-ann')).toEqual({ id: 'pf-ann', name: 'Ann' });
    expect(await store.getUser('pf-cy')).toEqual({ id: 'pf-cy', name: 'pf-cy' });
    // The bad profile alone with other users' lookups: nothing to split it from, and still only it is refused.
    const [alone, annIds, boContacts] = await Promise.allSettled([
      Promise.resolve(store.upsertUser({ id: 'pf-bad', name: 'nul \u0000 again' })),
      Promise.resolve(store.listConversationIds?.('pf-ann')),
      Promise.resolve(store.listContacts?.('pf-bo')),
    ]);
    expect(alone.status).toBe(kind.durable ? 'rejected' : 'fulfilled');
    expect([annIds.status, boContacts.status]).toEqual(['fulfilled', 'fulfilled']);
    if (store.listConversationIds) expect(annIds).toEqual({ status: 'fulfilled', value: [c.id] });
    if (store.listContacts) expect([...((boContacts as PromiseFulfilledResult<string[]>).value ?? [])].sort()).toEqual(['pf-ann', 'pf-bo']);
  });

  // issue 19, kind 7: what `isStorableText` (the server's validation) accepts, every store keeps exactly…
  it.each(STORABLE_TEXTS)('keeps $name exactly, in content, ids and titles', async ({ text }) => {
    expect(isStorableText(text)).toBe(true);
    const sender = `u${text}`;
    const c = await newConversation(store, [sender, `v${text}`], `t${text}`);
    expect(await store.getConversation(c.id)).toMatchObject({ title: `t${text}`, participantIds: [sender, `v${text}`] });
    const { message } = await store.appendMessage({ conversationId: c.id, senderId: sender, content: `c${text}`, clientMessageId: `m${text}` });
    expect(message).toMatchObject({ senderId: sender, content: `c${text}`, clientMessageId: `m${text}` });
    const again = await store.appendMessage({ conversationId: c.id, senderId: sender, content: 'ignored', clientMessageId: `m${text}` });
    expect(again).toEqual({ created: false, message });
    expect((await store.history({ conversationId: c.id, limit: 10 })).messages).toEqual([message]);
    expect(await store.isParticipant(c.id, sender)).toBe(true);
  });

  // …and what it refuses, some store cannot keep: a durable store refuses it or keeps something else.
  if (kind.durable) it.each(UNSTORABLE_TEXTS)('cannot keep $name, which validation refuses', async ({ text }) => {
    expect(isStorableText(text)).toBe(false);
    const c = await newConversation(store);
    const kept = await Promise.resolve()
      .then(() => store.appendMessage({ conversationId: c.id, senderId: 'alice', content: `c${text}`, clientMessageId: `m${text}` }))
      .then(({ message }) => message.content === `c${text}` && message.clientMessageId === `m${text}`, () => false);
    expect(kept).toBe(false);
  });

  it('has a store id', async () => {
    const id = await store.getStoreId?.();
    expect(typeof id).toBe('string');
    expect(id?.length).toBeGreaterThan(0);
  });

  it('answers retries of one clientMessageId in the same batch with the one stored message', async () => {
    const c = await newConversation(store, ['mia', 'ned']);
    const send = (senderId: string, clientMessageId: string, content: string) => ({ conversationId: c.id, senderId, content, clientMessageId });
    // The original, three retries (one with other content) and other sends between them, all in one turn.
    const inputs = [
      send('mia', 'once', 'hello'),
      send('ned', 'n1', 'a'),
      send('mia', 'once', 'hello'),
      send('mia', 'm2', 'b'),
      send('mia', 'once', 'changed'),
      send('ned', 'once', 'same id, other sender'),
      send('mia', 'once', 'hello'),
    ];
    const results = await appendAtOnce(store, inputs);
    const values = results.map((r) => {
      if (r.status !== 'fulfilled') throw r.reason;
      return r.value;
    });
    expect(values.map((v) => v.created)).toEqual([true, true, false, true, false, true, false]);
    expect(values.map((v) => v.message.seq)).toEqual([1, 2, 1, 3, 1, 4, 1]);
    for (const i of [2, 4, 6]) expect(values[i]!.message).toEqual(values[0]!.message);
    expect(values[0]!.message).toMatchObject({ content: 'hello', senderId: 'mia', clientMessageId: 'once' });
    const page = await store.history({ conversationId: c.id, limit: 100 });
    expect(page.messages.map((m) => [m.seq, m.senderId, m.clientMessageId])).toEqual([
      [1, 'mia', 'once'],
      [2, 'ned', 'n1'],
      [3, 'mia', 'm2'],
      [4, 'ned', 'once'],
    ]);
    expect(await store.lastSeq(c.id)).toBe(4);
  });

  if (kind.openFaulty) it('bounds a batch: a conversation with more sends than one batch holds does not hold up another, and keeps its own order', async () => {
    const fault: Fault = { armed: false, lost: 0, appends: [] };
    const faulty = await kind.openFaulty!(fault);
    try {
      const busy = await newConversation(faulty.store, ['qin', 'ray']);
      const quiet = await newConversation(faulty.store, ['sal', 'ray']);
      // 600 sends to one conversation (more than two batches of 256), then one to another, in one turn.
      const inputs = Array.from({ length: 600 }, (_, i) => ({ conversationId: busy.id, senderId: 'qin', content: `b${i}`, clientMessageId: `b${i}` }));
      inputs.push({ conversationId: quiet.id, senderId: 'sal', content: 'q', clientMessageId: 'q' });
      const results = await appendAtOnce(faulty.store, inputs);
      const seqs = results.map((r) => (r.status === 'fulfilled' ? r.value.message.seq : String(r.reason)));
      expect(seqs).toEqual([...Array.from({ length: 600 }, (_, i) => i + 1), 1]);
      // Batches of at most 256 sends; the quiet conversation's send goes in the first or second, not behind all of the busy one's.
      expect(fault.appends!.every((ids) => ids.length <= 256)).toBe(true);
      expect(fault.appends!.findIndex((ids) => ids.includes('q'))).toBeLessThanOrEqual(1);
      expect(fault.appends!.findIndex((ids) => ids.includes('q'))).toBeLessThan(fault.appends!.findIndex((ids) => ids.includes('b599')));
    } finally {
      await faulty.crash().catch(() => undefined);
    }
  }, 60_000);

  it('refuses a message inside a batch alone: the others keep their seq in arrival order', async () => {
    const c = await newConversation(store, ['ola', 'pia']);
    const send = (conversationId: string, clientMessageId: string) => ({ conversationId, senderId: 'ola', content: clientMessageId, clientMessageId });
    const results = await appendAtOnce(store, [send(c.id, 'r1'), send('no-such-conversation', 'bad'), send(c.id, 'r2'), send(c.id, 'r3')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/no-such-conversation/);
    const seqs = results.flatMap((r) => (r.status === 'fulfilled' ? [[r.value.message.clientMessageId, r.value.message.seq, r.value.created]] : []));
    expect(seqs).toEqual([
      ['r1', 1, true],
      ['r2', 2, true],
      ['r3', 3, true],
    ]);
    expect(await store.lastSeq(c.id)).toBe(3);
  });

  // PostgreSQL text cannot hold U+0000: the database refuses that message (the memory store has no such limit).
  if (kind.durable) it('refuses a message the database rejects inside a batch alone (content with U+0000)', async () => {
    const c = await newConversation(store, ['quin', 'ray']);
    const send = (clientMessageId: string, content = clientMessageId) => ({ conversationId: c.id, senderId: 'quin', content, clientMessageId });
    const results = await appendAtOnce(store, [send('z1'), send('z2', 'bad \u0000 byte'), send('z3'), send('z1')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const values = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(values.map((v) => [v.message.clientMessageId, v.message.seq, v.created])).toEqual([
      ['z1', 1, true],
      ['z3', 2, true],
      ['z1', 1, false],
    ]);
    const page = await store.history({ conversationId: c.id, limit: 10 });
    expect(page.messages.map((m) => m.clientMessageId)).toEqual(['z1', 'z3']);
  });

  if (kind.openFaulty) it('answers the retries of a batch whose commit happened but whose answers were lost (crash between commit and acks) with the stored messages', async () => {
    const fault: Fault = { armed: false, lost: 0 };
    const faulty = await kind.openFaulty!(fault);
    let restarted: StoreHandle | undefined;
    try {
      const c = await faulty.store.createConversation({ participantIds: ['sam', 'tia'], title: null, createdBy: 'sam' });
      const inputs = Array.from({ length: 6 }, (_, i) => ({ conversationId: c.id, senderId: i % 2 ? 'tia' : 'sam', content: `lost ack ${i}`, clientMessageId: `l${i}` }));
      fault.armed = true;
      const lost = await appendAtOnce(faulty.store, inputs);
      // Nothing is acknowledged whose answer did not come back, though the database has it.
      expect(lost.map((r) => r.status)).toEqual(inputs.map(() => 'rejected'));
      // Six sends of one turn were one statement: one commit, one lost answer.
      expect(fault.lost).toBe(1);
      await faulty.crash();

      restarted = await faulty.restart();
      const retried = await appendAtOnce(restarted.store, inputs.map((input) => ({ ...input, content: 'retry' })));
      const values = retried.map((r) => {
        if (r.status !== 'fulfilled') throw r.reason;
        return r.value;
      });
      expect(values.map((v) => v.created)).toEqual(inputs.map(() => false));
      const page = await restarted.store.history({ conversationId: c.id, limit: 100 });
      expect(values.map((v) => v.message)).toEqual(page.messages);
      expect(page.messages.map((m) => [m.seq, m.clientMessageId, m.content])).toEqual(inputs.map((input, i) => [i + 1, input.clientMessageId, input.content]));
      const next = await restarted.store.appendMessage({ conversationId: c.id, senderId: 'sam', content: 'after', clientMessageId: 'after' });
      expect(next).toMatchObject({ created: true, message: { seq: inputs.length + 1 } });
    } finally {
      await faulty.crash().catch(() => undefined);
      await restarted?.close();
    }
  }, 60_000);

  if (kind.openFaulty) it('commits the sends to several conversations of one turn together: one statement, one commit', async () => {
    const fault: Fault = { armed: false, lost: 0 };
    const faulty = await kind.openFaulty!(fault);
    try {
      const conversations = [];
      for (let i = 0; i < 3; i++) conversations.push(await faulty.store.createConversation({ participantIds: [`gc-${i}`, 'gc-peer'], title: null, createdBy: `gc-${i}` }));
      fault.armed = true;
      const sends = conversations.flatMap((c, i) => [0, 1].map((k) => ({ conversationId: c.id, senderId: `gc-${i}`, content: `${k}`, clientMessageId: `gc${k}` })));
      const lost = await appendAtOnce(faulty.store, sends);
      expect(lost.map((r) => r.status)).toEqual(sends.map(() => 'rejected'));
      expect(fault.lost).toBe(1);
    } finally {
      await faulty.crash().catch(() => undefined);
    }
  }, 60_000);

  if (kind.openFaulty) it("moves each sender's read cursor in the append's own commit: after a crash between the commit and the answers, nobody's own message is unread", async () => {
    const fault: Fault = { armed: false, lost: 0 };
    const faulty = await kind.openFaulty!(fault);
    let restarted: StoreHandle | undefined;
    try {
      const c = await faulty.store.createConversation({ participantIds: ['uma', 'vic'], title: null, createdBy: 'uma' });
      const inputs = Array.from({ length: 5 }, (_, i) => ({ conversationId: c.id, senderId: i % 2 ? 'vic' : 'uma', content: `own ${i}`, clientMessageId: `o${i}` }));
      fault.armed = true;
      const lost = await appendAtOnce(faulty.store, inputs);
      expect(lost.map((r) => r.status)).toEqual(inputs.map(() => 'rejected'));
      expect(fault.lost).toBe(1);
      await faulty.crash();

      // Nothing ran after the append's commit, and no retry came: the cursors moved with the messages.
      restarted = await faulty.restart();
      const summary = async (userId: string) => (await restarted!.store.listConversationSummaries({ userId, limit: 10 })).conversations[0];
      // uma sent seq 1, 3, 5 (the newest): nothing unread; vic sent 2 and 4: only uma's 5 is unread.
      expect(await summary('uma')).toMatchObject({ id: c.id, lastSeq: 5, lastReadSeq: 5, unreadCount: 0 });
      expect(await summary('vic')).toMatchObject({ id: c.id, lastSeq: 5, lastReadSeq: 4, unreadCount: 1 });
    } finally {
      await faulty.crash().catch(() => undefined);
      await restarted?.close();
    }
  }, 60_000);

  describe('inbox (protocol 1.2)', () => {
    it("moves the sender's read cursor in the append itself (appendMarksSenderRead): one's own messages are never unread", async () => {
      expect(store.appendMarksSenderRead).toBe(true);
      const c = await newConversation(store, ['ow-alice', 'ow-bob']);
      const send = (senderId: string, clientMessageId: string) =>
        Promise.resolve(store.appendMessage({ conversationId: c.id, senderId, content: clientMessageId, clientMessageId }));
      await send('ow-alice', 'a1');
      await send('ow-alice', 'a2');
      await send('ow-bob', 'b1');
      // One batch: alice's and bob's sends of one turn.
      await appendAtOnce(store, [
        { conversationId: c.id, senderId: 'ow-bob', content: 'b2', clientMessageId: 'b2' },
        { conversationId: c.id, senderId: 'ow-alice', content: 'a3', clientMessageId: 'a3' },
      ]);
      const summary = async (userId: string) => (await store.listConversationSummaries({ userId, limit: 10 })).conversations[0];
      expect(await summary('ow-alice')).toMatchObject({ lastSeq: 5, lastReadSeq: 5, unreadCount: 0 });
      expect(await summary('ow-bob')).toMatchObject({ lastSeq: 5, lastReadSeq: 4, unreadCount: 1 });
      // A repeat of an older message never moves a cursor back.
      expect(await send('ow-alice', 'a1')).toMatchObject({ created: false, message: { seq: 1 } });
      expect(await summary('ow-alice')).toMatchObject({ lastReadSeq: 5, unreadCount: 0 });
    }, 60_000);

    it('moves read cursors monotonically under concurrent calls from two devices, clamped to the last seq', async () => {
      // rc-dan sends (so their own cursor follows their sends); rc-alice and rc-bob only read.
      const c = await newConversation(store, ['rc-alice', 'rc-bob', 'rc-dan']);
      for (let i = 1; i <= 20; i++) {
        await store.appendMessage({ conversationId: c.id, senderId: 'rc-dan', content: `m${i}`, clientMessageId: `rc${i}` });
      }
      // Two devices of rc-alice mark read at once, in opposite orders.
      const seqs = [3, 17, 5, 20, 2, 11, 19, 8, 14, 1];
      const phone = seqs.map((seq) => Promise.resolve(store.markRead({ conversationId: c.id, userId: 'rc-alice', seq })));
      const laptop = [...seqs].reverse().map((seq) => Promise.resolve(store.markRead({ conversationId: c.id, userId: 'rc-alice', seq })));
      const results = await Promise.all([...phone, ...laptop]);
      for (const result of results) expect(result).toMatchObject({ lastSeq: 20 });
      // Each call that moved the cursor left it at a distinct, higher value; 20 is reached exactly once.
      const movedTo = results.filter((r) => r!.moved).map((r) => r!.lastReadSeq);
      expect(new Set(movedTo).size).toBe(movedTo.length);
      expect(movedTo.filter((seq) => seq === 20)).toHaveLength(1);
      expect(await store.markRead({ conversationId: c.id, userId: 'rc-alice', seq: 4 })).toEqual({ lastReadSeq: 20, lastSeq: 20, moved: false });
      // Above the last seq: clamped; the other participant's cursor is its own.
      expect(await store.markRead({ conversationId: c.id, userId: 'rc-bob', seq: 999 })).toEqual({ lastReadSeq: 20, lastSeq: 20, moved: true });
      expect(await store.markRead({ conversationId: c.id, userId: 'rc-bob', seq: 999 })).toEqual({ lastReadSeq: 20, lastSeq: 20, moved: false });
      expect(await store.markRead({ conversationId: c.id, userId: 'rc-carol', seq: 1 })).toBeUndefined();
      expect(await store.markRead({ conversationId: 'missing', userId: 'rc-alice', seq: 1 })).toBeUndefined();
    }, 60_000);

    it('lists summaries newest activity first with exact unread counts, pages stable under concurrent new messages', async () => {
      const user = `ls-${kind.name.length}`;
      const conversations = [];
      for (let i = 0; i < 7; i++) conversations.push(await newConversation(store, [user, 'ls-peer'], `L${i}`));
      // Messages in an order that differs from creation: activity decides the list order.
      for (const i of [4, 1, 6, 2]) {
        const c = conversations[i]!;
        for (let k = 1; k <= i; k++) {
          await store.appendMessage({ conversationId: c.id, senderId: 'ls-peer', content: `p${k}`, clientMessageId: `p${k}` });
        }
      }
      await store.markRead({ conversationId: conversations[4]!.id, userId: user, seq: 3 });

      const full = await store.listConversationSummaries({ userId: user, limit: 50 });
      expect(full.hasMore).toBe(false);
      expect(full.conversations).toHaveLength(7);
      const order = full.conversations.map((s) => [s.lastActivityAt, s.id] as const);
      for (let k = 1; k < order.length; k++) {
        const [prevAt, prevId] = order[k - 1]!;
        const [at, id] = order[k]!;
        expect(prevAt > at || (prevAt === at && prevId < id)).toBe(true);
      }
      for (const summary of full.conversations) {
        const i = conversations.findIndex((c) => c.id === summary.id);
        expect(summary).toMatchObject({ title: `L${i}`, participantIds: [user, 'ls-peer'], lastSeq: i === 4 || i === 1 || i === 6 || i === 2 ? i : 0 });
        expect(summary.lastReadSeq).toBe(i === 4 ? 3 : 0);
        expect(summary.unreadCount).toBe(summary.lastSeq - summary.lastReadSeq);
        if (summary.lastSeq > 0) {
          expect(summary.lastMessage).toMatchObject({ seq: summary.lastSeq, content: `p${summary.lastSeq}`, senderId: 'ls-peer', conversationId: summary.id });
          expect(summary.lastActivityAt).toBe(summary.lastMessage!.createdAt);
        } else {
          expect(summary.lastMessage).toBeUndefined();
          expect(summary.lastActivityAt).toBe(summary.createdAt);
        }
      }

      // Page by 3 while new messages arrive: one in a conversation already seen, one in a later page.
      const first = await store.listConversationSummaries({ userId: user, limit: 3 });
      expect(first.hasMore).toBe(true);
      const seenMoved = first.conversations[1]!.id;
      const unseenMoved = full.conversations[5]!.id;
      const pos = (s: { lastActivityAt: string; id: string }) => ({ lastActivityAt: s.lastActivityAt, id: s.id });
      const [second] = await Promise.all([
        Promise.resolve(store.listConversationSummaries({ userId: user, limit: 3, after: pos(first.conversations[2]!) })),
        Promise.resolve(store.appendMessage({ conversationId: seenMoved, senderId: 'ls-peer', content: 'new', clientMessageId: 'new-a' })),
        Promise.resolve(store.appendMessage({ conversationId: unseenMoved, senderId: 'ls-peer', content: 'new', clientMessageId: 'new-b' })),
      ]);
      const third = await store.listConversationSummaries({ userId: user, limit: 3, after: pos(second.conversations[second.conversations.length - 1]!) });
      const paged = [...first.conversations, ...second.conversations, ...third.conversations].map((s) => s.id);
      const unchanged = full.conversations.map((s) => s.id).filter((id) => id !== seenMoved && id !== unseenMoved);
      // Every unchanged conversation exactly once, in order; nothing appears twice.
      expect(paged.filter((id) => id !== seenMoved && id !== unseenMoved)).toEqual(unchanged);
      expect(new Set(paged).size).toBe(paged.length);
      // A fresh first page shows the conversations that moved on top, with their new counts.
      const fresh = await store.listConversationSummaries({ userId: user, limit: 2 });
      expect(new Set(fresh.conversations.map((s) => s.id))).toEqual(new Set([seenMoved, unseenMoved]));
      for (const s of fresh.conversations) expect(s.unreadCount).toBe(s.lastSeq - s.lastReadSeq);
      expect(await store.listConversationSummaries({ userId: 'ls-nobody', limit: 5 })).toEqual({ conversations: [], hasMore: false });
    }, 60_000);

    it('stores notifications per user, newest first, pages them, and sets readAt once', async () => {
      const user = 'nt-alice';
      const added: StoredNotification[] = [];
      for (let i = 1; i <= 5; i++) {
        added.push(await store.addNotification({ userId: user, title: `t${i}`, body: `b${i}`, ...(i === 2 ? { link: '/x', data: { pr: 42, tags: ['a'] } } : {}) }));
      }
      await store.addNotification({ userId: 'nt-bob', title: 'bob', body: '' });
      expect(added[1]).toMatchObject({ title: 't2', body: 'b2', link: '/x', data: { pr: 42, tags: ['a'] }, readAt: null });
      expect(added[0]!.link).toBeUndefined();
      expect(added[0]!.data).toBeUndefined();

      const page1 = await store.listNotifications({ userId: user, limit: 2, unreadOnly: false });
      expect(page1).toMatchObject({ unreadCount: 5, hasMore: true });
      expect(page1.notifications.map((n) => n.title)).toEqual(['t5', 't4']);
      const page2 = await store.listNotifications({ userId: user, limit: 2, unreadOnly: false, before: page1.nextBefore });
      const page3 = await store.listNotifications({ userId: user, limit: 2, unreadOnly: false, before: page2.nextBefore });
      expect([...page2.notifications, ...page3.notifications].map((n) => n.title)).toEqual(['t3', 't2', 't1']);
      expect(page3.hasMore).toBe(false);
      expect(page2.notifications[1]).toEqual(added[1]);

      // Reading: once; other users' ids and unknown ids are ignored.
      const bobsId = (await store.listNotifications({ userId: 'nt-bob', limit: 5, unreadOnly: false })).notifications[0]!.id;
      const read = await store.markNotificationsRead({ userId: user, ids: [added[0]!.id, added[2]!.id, bobsId, 'unknown'] });
      expect(read.changedIds.sort()).toEqual([added[0]!.id, added[2]!.id].sort());
      expect(read.unreadCount).toBe(3);
      expect(await store.markNotificationsRead({ userId: user, ids: [added[0]!.id] })).toEqual({ changedIds: [], unreadCount: 3 });
      expect((await store.listNotifications({ userId: 'nt-bob', limit: 5, unreadOnly: false })).unreadCount).toBe(1);
      const unread = await store.listNotifications({ userId: user, limit: 10, unreadOnly: true });
      expect(unread.notifications.map((n) => n.title)).toEqual(['t5', 't4', 't2']);
      const all = await store.listNotifications({ userId: user, limit: 10, unreadOnly: false });
      const firstReadAt = all.notifications.find((n) => n.id === added[0]!.id)!.readAt;
      expect(Date.parse(firstReadAt!)).not.toBeNaN();

      const everything = await store.markNotificationsRead({ userId: user, all: true });
      expect(everything.changedIds.sort()).toEqual([added[1]!.id, added[3]!.id, added[4]!.id].sort());
      expect(everything.unreadCount).toBe(0);
      const after = await store.listNotifications({ userId: user, limit: 10, unreadOnly: false });
      // readAt is set once: the first read keeps its time.
      expect(after.notifications.find((n) => n.id === added[0]!.id)!.readAt).toBe(firstReadAt);
      expect(after.notifications.every((n) => n.readAt !== null)).toBe(true);
      expect(await store.listNotifications({ userId: user, limit: 10, unreadOnly: true })).toEqual({ notifications: [], unreadCount: 0, hasMore: false });
      expect(await store.listNotifications({ userId: 'nt-nobody', limit: 10, unreadOnly: false })).toEqual({ notifications: [], unreadCount: 0, hasMore: false });
    });

    it('keeps at least the newest 1,000 notifications per user', async () => {
      const user = 'nt-many';
      const total = LIMITS.notificationsKeptPerUser + 200;
      for (let i = 0; i < total; i += 25) {
        await Promise.all(Array.from({ length: 25 }, (_, k) => Promise.resolve(store.addNotification({ userId: user, title: `n${i + k}`, body: '' }))));
      }
      const titles: string[] = [];
      let before: string | undefined;
      for (;;) {
        const page = await store.listNotifications({ userId: user, limit: 200, unreadOnly: false, before });
        for (const n of page.notifications) titles.push(n.title);
        if (!page.hasMore) break;
        before = page.nextBefore;
      }
      expect(titles.length).toBeGreaterThanOrEqual(LIMITS.notificationsKeptPerUser);
      expect(titles.length).toBeLessThan(total);
      expect(new Set(titles).size).toBe(titles.length);
      // The kept ones are the newest: the unread count agrees with what is listed.
      const newest = (await store.listNotifications({ userId: user, limit: 1, unreadOnly: true })).unreadCount;
      expect(newest).toBe(titles.length);
      const insertedLast = new Set(Array.from({ length: 25 }, (_, k) => `n${total - 25 + k}`));
      expect(titles.slice(0, 25).every((t) => insertedLast.has(t))).toBe(true);
    }, 120_000);
  });

  if (kind.durable) it('keeps read cursors, unread counts and notifications across a reopen', async () => {
    const c = await newConversation(store, ['dr-kim', 'dr-lee']);
    for (let i = 1; i <= 4; i++) {
      await store.appendMessage({ conversationId: c.id, senderId: 'dr-lee', content: `d${i}`, clientMessageId: `dr${i}` });
    }
    await store.markRead({ conversationId: c.id, userId: 'dr-kim', seq: 1 });
    const kept = await store.addNotification({ userId: 'dr-kim', title: 'kept', body: 'b', data: { n: 1 } });
    const read = await store.addNotification({ userId: 'dr-kim', title: 'read', body: 'b' });
    await store.markNotificationsRead({ userId: 'dr-kim', ids: [read.id] });
    const before = await store.listConversationSummaries({ userId: 'dr-kim', limit: 10 });
    const notificationsBefore = await store.listNotifications({ userId: 'dr-kim', limit: 10, unreadOnly: false });

    handle = await handle.reopen!();
    store = handle.store;

    const summaries = await store.listConversationSummaries({ userId: 'dr-kim', limit: 10 });
    expect(summaries).toEqual(before);
    expect(summaries.conversations.find((s) => s.id === c.id)).toMatchObject({ lastSeq: 4, lastReadSeq: 1, unreadCount: 3 });
    const notifications = await store.listNotifications({ userId: 'dr-kim', limit: 10, unreadOnly: false });
    expect(notifications).toEqual(notificationsBefore);
    expect(notifications).toMatchObject({ unreadCount: 1, notifications: [{ id: read.id }, kept] });
    expect(await store.markRead({ conversationId: c.id, userId: 'dr-kim', seq: 0 })).toEqual({ lastReadSeq: 1, lastSeq: 4, moved: false });
  }, 60_000);

  // Only durable stores have a reopen; the memory store's loss on restart is its documented contract.
  if (kind.durable) it('keeps everything across a reopen: history, next seq = last + 1, old clientMessageIds, users, store id', async () => {
    const c = await newConversation(store, ['kim', 'lee'], 'Durable');
    const sent = [];
    for (let i = 1; i <= 3; i++) {
      sent.push((await store.appendMessage({ conversationId: c.id, senderId: 'kim', content: `d${i}`, clientMessageId: `r${i}` })).message);
    }
    await store.upsertUser({ id: 'kim', name: 'Kim' });
    const storeId = await store.getStoreId?.();

    handle = await handle.reopen!();
    store = handle.store;

    expect(await store.getStoreId?.()).toBe(storeId);
    expect(await store.getConversation(c.id)).toEqual(c);
    expect(await store.getUser('kim')).toEqual({ id: 'kim', name: 'Kim' });
    expect((await store.history({ conversationId: c.id, limit: 10 })).messages).toEqual(sent);
    expect(await store.lastSeq(c.id)).toBe(3);
    const retry = await store.appendMessage({ conversationId: c.id, senderId: 'kim', content: 'again', clientMessageId: 'r2' });
    expect(retry).toEqual({ created: false, message: sent[1] });
    const next = await store.appendMessage({ conversationId: c.id, senderId: 'lee', content: 'd4', clientMessageId: 'r4' });
    expect(next).toMatchObject({ created: true, message: { seq: 4 } });
  }, 60_000);
});

describe('embedded database thread', () => {
  it('runs PGlite off the event loop: a batch keeps the loop free; after close, requests fail at once instead of hanging', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socketkit-embedded-'));
    tempDirs.push(dir);
    const db = await openEmbeddedDatabase({ dataDir: dir });
    const store = await createSqlStore(db);
    const c = await store.createConversation({ participantIds: ['th-a', 'th-b'], title: null, createdBy: 'th-a' });
    // 256 sends in one batch: tens of milliseconds of the engine's CPU. The event loop still ticks meanwhile.
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const started = performance.now();
    await Promise.all(Array.from({ length: 256 }, (_, i) => store.appendMessage({ conversationId: c.id, senderId: 'th-a', content: `m${i}`, clientMessageId: `m${i}` })));
    const elapsedMs = performance.now() - started;
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(Math.min(5, elapsedMs / 4));
    await store.close();
    await expect(db.query('SELECT 1')).rejects.toThrow(/thread stopped/);
    await expect(store.ping()).rejects.toThrow(/thread stopped/);
  }, 60_000);
});

describe('store identity', () => {
  it('memory: a new id per store and after reset()', () => {
    const a = createMemoryStore();
    const b = createMemoryStore();
    const first = a.getStoreId?.();
    expect(first).not.toBe(b.getStoreId?.());
    a.reset();
    expect(a.getStoreId?.()).not.toBe(first);
  });

  it('durable: two databases have different ids', async () => {
    const one = await openPostgres(await postgres!.createDatabase());
    const two = await openPostgres(await postgres!.createDatabase());
    try {
      expect(await one.store.getStoreId?.()).not.toBe(await two.store.getStoreId?.());
    } finally {
      await one.close();
      await two.close();
    }
  });
});

describe('PostgreSQL store start-up', () => {
  it('migrates once when several processes start at once (advisory lock), all with the same store id', async () => {
    const url = await postgres!.createDatabase();
    const handles = await Promise.all(Array.from({ length: 5 }, () => openPostgres(url)));
    try {
      const ids = await Promise.all(handles.map((h) => h.store.getStoreId?.()));
      expect(new Set(ids).size).toBe(1);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query('SELECT version FROM socketkit_migrations ORDER BY version');
        expect(rows.map((r: { version: number }) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
        const { rows: meta } = await client.query(`SELECT count(*)::int AS n FROM socketkit_meta WHERE key = 'store_id'`);
        expect(meta[0].n).toBe(1);
      } finally {
        await client.end();
      }
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
  }, 60_000);

  it('moves a read cursor monotonically from separate pools (two devices on two nodes)', async () => {
    const url = await postgres!.createDatabase();
    const nodes = await Promise.all([openPostgres(url), openPostgres(url)]);
    try {
      const c = await newConversation(nodes[0]!.store, ['x', 'y']);
      for (let i = 1; i <= 30; i++) await nodes[0]!.store.appendMessage({ conversationId: c.id, senderId: 'y', content: `${i}`, clientMessageId: `${i}` });
      const calls = Array.from({ length: 30 }, (_, i) => ({ node: nodes[i % 2]!, seq: (i * 7) % 31 }));
      const results = await Promise.all(calls.map(({ node, seq }) => Promise.resolve(node.store.markRead({ conversationId: c.id, userId: 'x', seq }))));
      const movedTo = results.filter((r) => r!.moved).map((r) => r!.lastReadSeq);
      expect(new Set(movedTo).size).toBe(movedTo.length);
      expect(movedTo.reduce((a, b) => Math.max(a, b), 0)).toBe(30);
      expect(await nodes[1]!.store.markRead({ conversationId: c.id, userId: 'x', seq: 0 })).toEqual({ lastReadSeq: 30, lastSeq: 30, moved: false });
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
    }
  }, 60_000);

  it('sees on one node the conversations another node creates: contacts, conversation ids, participants (no stale cache)', async () => {
    const url = await postgres!.createDatabase();
    const nodes = await Promise.all([openPostgres(url), openPostgres(url)]);
    try {
      const first = await newConversation(nodes[0]!.store, ['n-ann', 'n-ben']);
      // Node 1 asks first (and caches what it can), then node 0 creates a conversation it has not seen.
      expect(await nodes[1]!.store.isParticipant(first.id, 'n-ann')).toBe(true);
      expect(await nodes[1]!.store.getConversation('not-yet')).toBeUndefined();
      expect([...(await nodes[1]!.store.listContacts!('n-ann'))].sort()).toEqual(['n-ann', 'n-ben']);
      const second = await newConversation(nodes[0]!.store, ['n-ann', 'n-cat']);
      expect([...(await nodes[1]!.store.listContacts!('n-ann'))].sort()).toEqual(['n-ann', 'n-ben', 'n-cat']);
      expect([...(await nodes[1]!.store.listConversationIds!('n-ann'))].sort()).toEqual([first.id, second.id].sort());
      expect(await nodes[1]!.store.getConversation(second.id)).toEqual(second);
      expect(await nodes[1]!.store.isParticipant(second.id, 'n-cat')).toBe(true);
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
    }
  }, 60_000);

  it('runs one batch while the next can only grow; another starts beside it only when a full batch is ready or the one in flight is slow', async () => {
    const pool = new pg.Pool({ connectionString: await postgres!.createDatabase(), max: 10 });
    pool.on('error', () => undefined);
    const db = postgresDatabase(pool);
    const store = await createSqlStore(db);
    /** The client message ids of each append statement and when it started; `gates[i]`, when set, holds statement i before it reaches the database. */
    const started: { ids: string[]; at: number }[] = [];
    const gates = new Map<number, Promise<void>>();
    const openers: (() => void)[] = [];
    const gated: SqlDatabase = {
      ...db,
      async query<Row>(text: string, params?: readonly unknown[]) {
        if (/socketkit_send_messages(_optimistic)?\(/.test(text)) {
          const gate = gates.get(started.push({ ids: params?.[3] as string[], at: performance.now() }) - 1);
          if (gate) await gate;
        }
        return db.query<Row>(text, params);
      },
    };
    const gate = (index: number) => {
      let open!: () => void;
      gates.set(index, new Promise<void>((resolve) => (open = resolve)));
      openers.push(() => open());
      return () => open();
    };
    const turns = async (n: number) => {
      for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
    };
    const bounds = { maxInFlight: 4, maxInFlightRecovering: 9, maxWaiting: 5 };
    // Slow only after 10 s: within the test, a batch in flight is never slow (steps 1 and 3).
    const patient = appendBatches(gated, { ...bounds, slowBatchMs: 10_000 });
    const send = (append: typeof patient, conversationId: string, senderId: string, clientMessageId: string) =>
      append({ conversationId, senderId, content: clientMessageId, clientMessageId });
    try {
      const [a, b, c] = await Promise.all([newConversation(store, ['ob-a', 'ob-z']), newConversation(store, ['ob-b', 'ob-z']), newConversation(store, ['ob-c', 'ob-z'])]);

      // 1. While a batch is in flight, the sends of other conversations wait for it and go together after it (by conversation, in the order they became ready).
      const openFirst = gate(0);
      const first = send(patient, a!.id, 'ob-a', 'a1');
      await turns(2);
      const waiting = [send(patient, b!.id, 'ob-b', 'b1'), send(patient, c!.id, 'ob-c', 'c1')];
      await turns(2);
      waiting.push(send(patient, b!.id, 'ob-b', 'b2'));
      await turns(5);
      expect(started.map((s) => s.ids)).toEqual([['a1']]);
      openFirst();
      await Promise.all([first, ...waiting]);
      expect(started.map((s) => s.ids)).toEqual([['a1'], ['b1', 'b2', 'c1']]);

      // 2. A full batch ready goes at once beside the one in flight: waiting could not make it bigger.
      const openHeld = gate(2);
      const held = send(patient, a!.id, 'ob-a', 'a2');
      await turns(2);
      const many = Array.from({ length: 300 }, (_, i) => send(patient, c!.id, 'ob-c', `c-many-${i}`));
      await turns(5);
      expect(started.length).toBe(4);
      expect(started[3]!.ids).toHaveLength(256);
      openHeld();
      expect((await Promise.all(many)).map((r) => r.message.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 2));
      expect((await held).message.seq).toBe(2);

      // 3. A batch in flight for slowBatchMs no longer holds up the others, and not before.
      const hasty = appendBatches(gated, { ...bounds, slowBatchMs: 100 });
      const openSlow = gate(started.length);
      const slowIndex = started.length;
      const slow = send(hasty, a!.id, 'ob-a', 'a3');
      await turns(2);
      const behind = send(hasty, b!.id, 'ob-b', 'b3');
      const waitedFrom = performance.now();
      while (started.length < slowIndex + 2 && performance.now() - waitedFrom < 5_000) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(started[slowIndex + 1]!.ids).toEqual(['b3']);
      expect(started[slowIndex + 1]!.at - started[slowIndex]!.at).toBeGreaterThanOrEqual(99); // 100 ms, less the microseconds between a batch's start and its statement
      expect((await behind).message.seq).toBe(3);
      openSlow();
      expect((await slow).message.seq).toBe(3);
    } finally {
      for (const open of openers) open();
      await store.close();
      await pool.end();
    }
  }, 60_000);

  it('keeps order when a batch is retried message by message and a locked conversation frees up in between', async () => {
    const url = await postgres!.createDatabase();
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    pool.on('error', () => undefined);
    const holder = await rowLockHolder(url);
    let lockedId = '';
    let released = false;
    const db = postgresDatabase(pool);
    // The holder lets go right after the first message-by-message statement found the conversation busy.
    const store = await createSqlStore({
      ...db,
      async query<Row>(text: string, params?: readonly unknown[]) {
        const result = await db.query<Row>(text, params);
        const ids = params?.[0];
        if (!released && lockedId && Array.isArray(ids) && ids.length === 1 && ids[0] === lockedId && (result.rows[0] as { busy?: boolean } | undefined)?.busy) {
          released = true;
          await holder.release();
        }
        return result;
      },
    });
    try {
      const locked = await newConversation(store, ['ob-a', 'ob-b']);
      const other = await newConversation(store, ['ob-c', 'ob-b']);
      lockedId = locked.id;
      await holder.hold([locked.id]);
      // One batch: two sends to the locked conversation, then one whose text the database refuses (the batch is retried one by one).
      const results = await appendAtOnce(store, [
        { conversationId: locked.id, senderId: 'ob-a', content: 'first', clientMessageId: 'ob1' },
        { conversationId: locked.id, senderId: 'ob-a', content: 'second', clientMessageId: 'ob2' },
        { conversationId: other.id, senderId: 'ob-c', content: 'nul \u0000 here', clientMessageId: 'ob3' },
      ]);
      expect(released).toBe(true);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
      const seqs = results.flatMap((r) => (r.status === 'fulfilled' ? [[r.value.message.clientMessageId, r.value.message.seq]] : []));
      expect(seqs).toEqual([
        ['ob1', 1],
        ['ob2', 2],
      ]);
    } finally {
      await holder.end();
      await pool.end();
    }
  }, 60_000);

  it('waits for many locked conversations on a few connections: the pool stays free for the others', async () => {
    const url = await postgres!.createDatabase();
    const node = await openPostgres(url);
    const holder = await rowLockHolder(url);
    try {
      const locked = [];
      for (let i = 0; i < 12; i++) locked.push(await newConversation(node.store, [`ml-${i}`, 'ml-peer']));
      const free = await newConversation(node.store, ['ml-free', 'ml-peer']);
      await holder.hold(locked.map((c) => c.id));
      // More locked conversations than the pool (10) has connections, each waiting for its row.
      const lockedSends = locked.map((c, i) => Promise.resolve().then(() => node.store.appendMessage({ conversationId: c.id, senderId: `ml-${i}`, content: 'x', clientMessageId: 'x' })));
      for (const answer of lockedSends) answer.catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 200));
      // The others are stored while every locked row is still held.
      const started = performance.now();
      expect(await node.store.appendMessage({ conversationId: free.id, senderId: 'ml-free', content: 'y', clientMessageId: 'y' })).toMatchObject({ created: true, message: { seq: 1 } });
      expect(performance.now() - started).toBeLessThan(2000);
      await holder.release();
      expect((await Promise.all(lockedSends)).map((r) => r.message.seq)).toEqual(locked.map(() => 1));
    } finally {
      await holder.end();
      await node.close();
    }
  }, 60_000);

  it('sends a conversation whose row another transaction holds on its own, waiting for the lock: the others go on, its sends keep their order', async () => {
    const url = await postgres!.createDatabase();
    const node = await openPostgres(url);
    const holder = await rowLockHolder(url);
    try {
      const locked = await newConversation(node.store, ['lk-a', 'lk-b']);
      const free = await newConversation(node.store, ['lk-a', 'lk-c']);
      await node.store.appendMessage({ conversationId: locked.id, senderId: 'lk-a', content: 'before', clientMessageId: 'before' });
      await holder.hold([locked.id]);
      // Sends to both in the same turns (so in shared batches), the locked one's first.
      const lockedSends: Promise<unknown>[] = [];
      const freeSends: Promise<unknown>[] = [];
      for (let i = 0; i < 5; i++) {
        lockedSends.push(Promise.resolve(node.store.appendMessage({ conversationId: locked.id, senderId: i % 2 ? 'lk-b' : 'lk-a', content: `l${i}`, clientMessageId: `l${i}` })));
        freeSends.push(Promise.resolve(node.store.appendMessage({ conversationId: free.id, senderId: 'lk-c', content: `f${i}`, clientMessageId: `f${i}` })));
        await new Promise((resolve) => setImmediate(resolve));
      }
      const settled = { locked: false };
      void Promise.allSettled(lockedSends).then(() => (settled.locked = true));
      // The free conversation's sends are stored while the other's row is still held.
      const freeResults = await Promise.all(freeSends);
      expect(freeResults.map((r) => (r as { message: { seq: number } }).message.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(settled.locked).toBe(false);
      await holder.release();
      const lockedResults = await Promise.all(lockedSends);
      // In arrival order, gapless after the one stored before the lock.
      expect(lockedResults.map((r) => (r as { message: { seq: number; clientMessageId: string } }).message.clientMessageId)).toEqual(['l0', 'l1', 'l2', 'l3', 'l4']);
      expect(lockedResults.map((r) => (r as { message: { seq: number } }).message.seq)).toEqual([2, 3, 4, 5, 6]);
      // Once its row is free, the next send goes in a shared batch again and continues the seq.
      expect(await node.store.appendMessage({ conversationId: locked.id, senderId: 'lk-a', content: 'after', clientMessageId: 'after' })).toMatchObject({ created: true, message: { seq: 7 } });
    } finally {
      await holder.end();
      await node.close();
    }
  }, 60_000);

  it('keeps seq gapless with senders on separate pools (as on separate nodes)', async () => {
    const url = await postgres!.createDatabase();
    const nodes = await Promise.all([openPostgres(url), openPostgres(url), openPostgres(url)]);
    try {
      const c = await newConversation(nodes[0]!.store, ['a', 'b', 'c']);
      const sends = nodes.flatMap((node, n) =>
        Array.from({ length: 10 }, (_, i) => ({ node, input: { conversationId: c.id, senderId: 'a', content: `${n}/${i}`, clientMessageId: `k${i % 7}-${n % 2}` } })),
      );
      const results = await Promise.all(sends.map(({ node, input }) => Promise.resolve(node.store.appendMessage(input))));
      const created = results.filter((r) => r.created).map((r) => r.message.seq).sort((x, y) => x - y);
      // 14 distinct (sender, clientMessageId) keys: 7 ids × 2 parities.
      expect(created).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
    }
  }, 60_000);
});
