/**
 * The inbox of protocol 1.2, in this process: a real socketkit server on
 * port 0 and stock socket.io-client sockets (client and server share the
 * process, so these are latencies, not CPU costs).
 * - `inbox-list`: `conversation:list` (first page of 50, and of 200) for a
 *   user with 500 conversations and 100,000 messages (200 each). "project"
 *   is PostgreSQL 15 (fsync on, data bulk-loaded with SQL), "baseline" the
 *   memory store with the same data.
 * - `inbox-receipts`: the 200-member room, all joined. "project": a
 *   `conversation:read` (cursor moves by one), timed until the 199 other
 *   members have its `receipt:read`; "baseline": a `message:send` in the
 *   same room, timed until the 199 others have `message:new`. The ratio is
 *   what a read receipt costs against a message.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { createMemoryStore, createSocketkitServer, type SocketkitStore } from '../../src/server/index.js';
import { createPostgresStore } from '../../src/server/sql/postgres.js';
import { startPostgres, type TestPostgres } from '../../tests/support/postgres.js';
import { percentile } from '../lib/stats.js';
import type { ServerKind } from '../lib/children.js';
import { SECRET, type MetricDef, type RunOptions, type Scenario } from './common.js';

const LIST_USER = 'inbox-user';
const CONVERSATIONS = 500;
const MESSAGES_EACH = 200;

interface Running {
  url: string;
  close(): Promise<void>;
  sockets: Socket[];
}

async function serve(store: SocketkitStore): Promise<Running> {
  const httpServer = createServer();
  const socketkit = createSocketkitServer(httpServer, { secret: SECRET, store, quiet: true, rateLimit: false, presenceGraceMs: 0 });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const sockets: Socket[] = [];
  return {
    url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`,
    sockets,
    async close() {
      for (const socket of sockets) socket.disconnect();
      httpServer.closeAllConnections();
      await socketkit.close();
    },
  };
}

async function connect(server: Running, userId: string): Promise<Socket> {
  const socket = io(server.url, { auth: { token: jwt.sign({ userId }, SECRET), protocol: '1.2' }, transports: ['websocket'], reconnection: false, forceNew: true });
  server.sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connection:established', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

async function ack(socket: Socket, event: string, payload: unknown): Promise<Record<string, unknown>> {
  const answer = (await socket.timeout(30_000).emitWithAck(event, payload)) as { ok: boolean; error?: { message: string } };
  if (!answer.ok) throw new Error(`${event}: ${answer.error?.message}`);
  return answer as Record<string, unknown>;
}

/** The list user's data in the memory store, through the store API. */
function memoryInbox(): SocketkitStore {
  const store = createMemoryStore();
  for (let c = 0; c < CONVERSATIONS; c++) {
    const conversation = store.createConversation({ participantIds: [LIST_USER, `peer${c}`], title: `c${c}`, createdBy: LIST_USER });
    for (let m = 1; m <= MESSAGES_EACH; m++) {
      store.appendMessage({ conversationId: conversation.id, senderId: m % 3 === 0 ? LIST_USER : `peer${c}`, content: `message ${m}`, clientMessageId: `m${m}` });
    }
    store.markRead({ conversationId: conversation.id, userId: LIST_USER, seq: (c * 37) % MESSAGES_EACH });
  }
  return store;
}

/** The same shape in PostgreSQL, bulk-loaded with SQL (100,000 appends one by one would take minutes). */
async function postgresInbox(url: string): Promise<{ store: SocketkitStore; pool: pg.Pool }> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const store = await createPostgresStore({ pool });
  await pool.query(
    `INSERT INTO socketkit_conversations (id, title, created_by, created_at, last_seq)
     SELECT 'c' || c, 'c' || c, $1, now() - interval '1 day', $3 FROM generate_series(0, $2 - 1) c`,
    [LIST_USER, CONVERSATIONS, MESSAGES_EACH],
  );
  await pool.query(
    `INSERT INTO socketkit_participants (conversation_id, user_id, position, last_read_seq)
     SELECT 'c' || c, $1, 0, (c * 37) % $3 FROM generate_series(0, $2 - 1) c
     UNION ALL SELECT 'c' || c, 'peer' || c, 1, 0 FROM generate_series(0, $2 - 1) c`,
    [LIST_USER, CONVERSATIONS, MESSAGES_EACH],
  );
  await pool.query(
    `INSERT INTO socketkit_messages (conversation_id, seq, id, sender_id, content, client_message_id, created_at)
     SELECT 'c' || c, m, gen_random_uuid()::text, CASE WHEN m % 3 = 0 THEN $1 ELSE 'peer' || c END,
            'message ' || m, 'm' || m, now() - interval '1 day' + (m * 500 + c) * interval '1 second'
     FROM generate_series(0, $2 - 1) c, generate_series(1, $3) m`,
    [LIST_USER, CONVERSATIONS, MESSAGES_EACH],
  );
  await pool.query('ANALYZE');
  return { store, pool };
}

async function listLatencies(store: SocketkitStore, options: RunOptions): Promise<Record<string, number>> {
  const server = await serve(store);
  try {
    const socket = await connect(server, LIST_USER);
    const runs = options.quick ? 30 : 200;
    const measure = async (limit: number) => {
      const times: number[] = [];
      for (let i = 0; i < runs + 10; i++) {
        const started = performance.now();
        const page = await ack(socket, 'conversation:list', { limit });
        if ((page.conversations as unknown[]).length !== limit) throw new Error('short page');
        if (i >= 10) times.push(performance.now() - started);
      }
      return times;
    };
    const page50 = await measure(50);
    const page200 = await measure(200);
    // The store's share: the same first page straight from the store, no socket.
    const direct: number[] = [];
    for (let i = 0; i < runs + 10; i++) {
      const started = performance.now();
      await store.listConversationSummaries({ userId: LIST_USER, limit: 50 });
      if (i >= 10) direct.push(performance.now() - started);
    }
    return {
      listP50: percentile(page50, 50),
      listP99: percentile(page50, 99),
      list200P50: percentile(page200, 50),
      list200P99: percentile(page200, 99),
      storeP50: percentile(direct, 50),
      storeP99: percentile(direct, 99),
    };
  } finally {
    await server.close();
  }
}

let postgres: Promise<TestPostgres> | undefined;
export const inboxList: Scenario = {
  name: 'inbox-list',
  title: 'conversation:list for a user with 500 conversations, 100,000 messages: PostgreSQL vs memory',
  metrics: [
    { key: 'listP50', label: 'list page of 50, p50', unit: 'ms', better: 'lower' },
    { key: 'listP99', label: 'list page of 50, p99', unit: 'ms', better: 'lower' },
    { key: 'list200P50', label: 'list page of 200, p50', unit: 'ms', better: 'lower' },
    { key: 'list200P99', label: 'list page of 200, p99', unit: 'ms', better: 'lower' },
    { key: 'storeP50', label: 'store call alone (page of 50), p50', unit: 'ms', better: 'lower' },
    { key: 'storeP99', label: 'store call alone (page of 50), p99', unit: 'ms', better: 'lower' },
  ] satisfies MetricDef[],
  async run(kind: ServerKind, options: RunOptions) {
    if (kind === 'baseline') return listLatencies(memoryInbox(), options);
    const database = await (await (postgres ??= startPostgres({ fsync: true }))).createDatabase();
    const { store, pool } = await postgresInbox(database);
    try {
      return await listLatencies(store, options);
    } finally {
      await pool.end();
    }
  },
};

const MEMBERS = 200;

/** Reads (project) or sends (baseline) in the 200-member room, each timed until the 199 others have its event. */
async function roomFanout(kind: ServerKind, options: RunOptions): Promise<Record<string, number>> {
  const store = createMemoryStore();
  const members = Array.from({ length: MEMBERS }, (_, i) => `member${i}`);
  const room = store.createConversation({ participantIds: members, title: 'all hands', createdBy: members[0] as string });
  const rounds = options.quick ? 30 : 150;
  for (let m = 1; m <= rounds + 10; m++) store.appendMessage({ conversationId: room.id, senderId: 'member0', content: `m${m}`, clientMessageId: `m${m}` });
  const server = await serve(store);
  try {
    const sockets: Socket[] = [];
    for (let i = 0; i < MEMBERS; i += 20) {
      for (const socket of await Promise.all(members.slice(i, i + 20).map((id) => connect(server, id)))) sockets.push(socket);
    }
    await Promise.all(sockets.map((s) => ack(s, 'conversation:join', room.id)));
    const event = kind === 'project' ? 'receipt:read' : 'message:new';
    let pending = 0;
    let done: (() => void) | null = null;
    for (const socket of sockets) {
      socket.on(event, () => {
        if (--pending === 0) done?.();
      });
    }
    const times: number[] = [];
    for (let r = 0; r < rounds + 10; r++) {
      const actor = sockets[1 + (r % (MEMBERS - 1))] as Socket;
      const delivered = new Promise<void>((resolve) => (done = resolve));
      pending = MEMBERS - 1;
      const started = performance.now();
      if (kind === 'project') await ack(actor, 'conversation:read', { conversationId: room.id, seq: r + 1 });
      else await ack(actor, 'message:send', { conversationId: room.id, content: `hello ${r}`, clientMessageId: `s${r}` });
      await delivered;
      if (r >= 10) times.push(performance.now() - started);
    }
    return { fanoutP50: percentile(times, 50), fanoutP99: percentile(times, 99) };
  } finally {
    await server.close();
  }
}

export const inboxReceipts: Scenario = {
  name: 'inbox-receipts',
  title: 'read receipts in the 200-member room (project) vs a message in it (baseline), until all 199 others have it',
  metrics: [
    { key: 'fanoutP50', label: 'to all 199 others, p50', unit: 'ms', better: 'lower' },
    { key: 'fanoutP99', label: 'to all 199 others, p99', unit: 'ms', better: 'lower' },
  ] satisfies MetricDef[],
  run: roomFanout,
};

/** Stops the PostgreSQL `inbox-list` started, if any. */
export async function stopInboxPostgres(): Promise<void> {
  if (postgres) await (await postgres).stop();
}
