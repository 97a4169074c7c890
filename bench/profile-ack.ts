/**
 * Where the time of one acknowledged send goes at light load (issue 22):
 * one sender, one message at a time, nothing else running.
 *
 *   node --import tsx bench/profile-ack.ts [--sends 200] [--store memory,embedded,postgres] [--fsync off]
 *
 * For each store, a socketkit server in this process (port 0) and two stock
 * socket.io-client users in one conversation; the sender sends one message,
 * waits for its ack, waits 20 ms, and so on (rate limiter off: 50/s is over
 * its 10/s, and it is not what is measured). Printed per store (medians over
 * the sends):
 * - `ack`: the client's round trip from emit to ack;
 * - `store.appendMessage`: from the server's call to its answer (the batcher's
 *   wake-up, the statement, the commit);
 * - `statement`: the database call alone (`SqlDatabase.query`), and the
 *   statements per send (every `query` the server made during the sends,
 *   divided by the sends: the append, plus any read on the send's path);
 * - `rest`: ack − store.appendMessage: socket.io, validation, the
 *   participant check, the broadcast, the client.
 * Then 200 users of 10 conversations connect at once with handshake watches:
 * the statements the server makes for them (profile upserts, the contacts
 * the presence policy reads).
 * PostgreSQL is started with fsync on (`--fsync off`: without, to see what
 * the flush costs) (tests/support/postgres.ts), in a
 * temporary directory, and stopped at the end; the embedded store lives in
 * a temporary directory, removed at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { createMemoryStore, createSocketkitServer, type SocketkitStore } from '../src/server/index.js';
import type { SqlDatabase } from '../src/server/sql/database.js';
import { openEmbeddedDatabase } from '../src/server/sql/embedded.js';
import { postgresDatabase } from '../src/server/sql/postgres.js';
import { createSqlStore } from '../src/server/sql/sql-store.js';
import { percentile } from './lib/stats.js';
import { startPostgres, type TestPostgres } from '../tests/support/postgres.js';

const { values: args } = parseArgs({
  options: { sends: { type: 'string', default: '200' }, store: { type: 'string', default: 'memory,embedded,postgres' }, fsync: { type: 'string', default: 'on' } },
});
const SENDS = Number(args.sends);
const SECRET = 'profile-ack-secret';

/** `db` with every statement counted and timed. */
function timed(db: SqlDatabase, log: number[], kinds: Map<string, number>): SqlDatabase {
  return {
    ...db,
    async query<Row>(text: string, params?: readonly unknown[]) {
      const started = performance.now();
      const kind = /socketkit_\w+\(|INSERT INTO \w+|FROM \w+/.exec(text)?.[0] ?? text.slice(0, 30);
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      try {
        return await db.query<Row>(text, params);
      } finally {
        log.push(performance.now() - started);
      }
    },
    exec: (sql) => db.exec(sql),
    transaction: (fn) => db.transaction(fn),
    ping: () => db.ping(),
    close: () => db.close(),
  };
}

interface Opened {
  store: SocketkitStore;
  statements: number[];
  /** Statements by what they do (the function called, the table inserted into or read). */
  kinds: Map<string, number>;
  close(): Promise<void>;
}

let postgres: TestPostgres | undefined;

async function open(kind: string): Promise<Opened> {
  const statements: number[] = [];
  const kinds = new Map<string, number>();
  if (kind === 'memory') return { store: createMemoryStore(), statements, kinds, close: () => Promise.resolve() };
  if (kind === 'embedded') {
    const dir = mkdtempSync(join(tmpdir(), 'socketkit-profile-ack-'));
    const db = await openEmbeddedDatabase({ dataDir: dir });
    const store = await createSqlStore(timed(db, statements, kinds));
    return { store, statements, kinds, close: async () => { await db.close(); rmSync(dir, { recursive: true, force: true }); } };
  }
  postgres ??= await startPostgres({ fsync: args.fsync !== 'off' });
  const pool = new pg.Pool({ connectionString: await postgres.createDatabase(), max: 10 });
  const store = await createSqlStore(timed(postgresDatabase(pool), statements, kinds));
  return { store, statements, kinds, close: () => pool.end() };
}

function connect(url: string, userId: string): Promise<Socket> {
  const token = jwt.sign({ sub: userId }, SECRET, { expiresIn: 600 });
  const socket = io(url, { forceNew: true, reconnection: false, transports: ['websocket'], auth: { token } });
  return new Promise((resolve, reject) => {
    socket.once('connection:established', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function measure(kind: string): Promise<void> {
  const opened = await open(kind);
  const appendTimes: number[] = [];
  const store: SocketkitStore = {
    ...opened.store,
    async appendMessage(input) {
      const started = performance.now();
      const result = await opened.store.appendMessage(input);
      appendTimes.push(performance.now() - started);
      return result;
    },
  };
  const httpServer = createServer();
  const socketkit = createSocketkitServer(httpServer, { secret: SECRET, store, quiet: true, rateLimit: false });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as { port: number }).port}`;
  const [alice, bob] = await Promise.all([connect(url, 'alice'), connect(url, 'bob')]);
  const { conversation } = (await alice!.emitWithAck('conversation:create', { participantIds: ['bob'] })) as { conversation: { id: string } };
  await bob!.emitWithAck('conversation:join', { conversationId: conversation.id });
  const acks: number[] = [];
  const send = async (i: number) => {
    const started = performance.now();
    const answer = (await alice!.emitWithAck('message:send', { conversationId: conversation.id, content: `hello ${i}`, clientMessageId: `m${i}` })) as { error?: unknown };
    if (answer.error) throw new Error(`send refused: ${JSON.stringify(answer.error)}`);
    return performance.now() - started;
  };
  for (let i = 0; i < 20; i++) await send(-1 - i); // warm-up
  appendTimes.length = 0;
  opened.statements.length = 0;
  const cpu = process.cpuUsage();
  for (let i = 0; i < SENDS; i++) {
    acks.push(await send(i));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const used = process.cpuUsage(cpu);
  const p50 = (xs: number[]) => (xs.length ? percentile(xs, 50).toFixed(2) : '—');
  console.log(
    `${kind.padEnd(9)} ack p50 ${p50(acks).padStart(6)} ms (p99 ${percentile(acks, 99).toFixed(2)})  store.appendMessage ${p50(appendTimes).padStart(6)} ms  ` +
      `statement ${p50(opened.statements).padStart(6)} ms × ${(opened.statements.length / SENDS).toFixed(2)} per send  ` +
      `rest ${(percentile(acks, 50) - (appendTimes.length ? percentile(appendTimes, 50) : 0)).toFixed(2)} ms  ` +
      `CPU of this process per send ${((used.user + used.system) / 1000 / SENDS).toFixed(2)} ms (server and both clients)`,
  );
  alice!.disconnect();
  bob!.disconnect();
  await connectStorm(kind, url, opened);
  await socketkit.close();
  await opened.close();
}

/**
 * 200 users in 10 conversations of 20 connect at once, each naming its 19 roommates in the handshake
 * (as the storm scenario's clients do); the statements the server makes until all are established.
 */
async function connectStorm(kind: string, url: string, opened: Opened): Promise<void> {
  const users = Array.from({ length: 200 }, (_, i) => `storm-${i}`);
  for (let room = 0; room < 10; room++) {
    const members = users.slice(room * 20, room * 20 + 20);
    await opened.store.createConversation({ participantIds: members, title: null, createdBy: members[0]! });
  }
  opened.statements.length = 0;
  opened.kinds.clear();
  const started = performance.now();
  const sockets = await Promise.all(
    users.map((userId, i) => {
      const token = jwt.sign({ sub: userId }, SECRET, { expiresIn: 600 });
      const watch = users.slice(Math.floor(i / 20) * 20, Math.floor(i / 20) * 20 + 20).filter((u) => u !== userId);
      const socket = io(url, { forceNew: true, reconnection: false, transports: ['websocket'], auth: { token, protocol: '1.1', presence: watch } });
      return new Promise<Socket>((resolve, reject) => {
        socket.once('connection:established', () => resolve(socket));
        socket.once('connect_error', reject);
      });
    }),
  );
  const ms = performance.now() - started;
  // Let the batched upserts and lookups that trail the last handshake finish before counting.
  await new Promise((resolve) => setTimeout(resolve, 500));
  console.log(`${kind.padEnd(9)} 200 connects with watches: ${ms.toFixed(0)} ms, ${opened.statements.length} statements (${(opened.statements.length / 200).toFixed(3)} per connect: ${[...opened.kinds].map(([k, n]) => `${n} ${k}`).join(', ')})`);
  for (const socket of sockets) socket.disconnect();
}

try {
  for (const kind of args.store.split(',')) await measure(kind);
} finally {
  await postgres?.stop();
}
