/**
 * issue 19, kinds 1–3: `socketkit-server` on a real PostgreSQL whose
 * connections fail the ways a production database's do. A connection
 * terminated during a transaction fails that request, not the process; a
 * database that vanished without closing its connections (the proxy's
 * `blackhole()`) costs seconds, not the pool; one conversation whose row is
 * locked does not slow the others, and `/ready` stays 200.
 */
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, Conversation, Message } from 'socketkit/protocol';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { startProxy, type TcpProxy } from '../support/proxy.js';
import { killServerClis, runServerCli, type ServerCli } from '../support/server-cli.js';
import { emitAck, once, waitFor } from '../support/wait.js';

const SECRET = 'pg-faults-secret-of-at-least-32-bytes';
let postgres: TestPostgres;
const sockets: Socket[] = [];
const clients: pg.Client[] = [];
const proxies: TcpProxy[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
}, 120_000);
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  for (const client of clients.splice(0)) await client.end().catch(() => undefined);
  for (const proxy of proxies.splice(0)) await proxy.close();
  killServerClis();
});
afterAll(async () => {
  await postgres?.stop();
});

async function connect(url: string, userId: string): Promise<Socket> {
  const socket = io(url, {
    auth: { token: jwt.sign({ userId }, SECRET, { expiresIn: 600 }) },
    transports: ['websocket'],
    reconnection: false,
  });
  sockets.push(socket);
  await once(socket, 'connection:established', 15_000);
  return socket;
}

async function sql(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  clients.push(client);
  return client;
}

const backendPid = async (client: pg.Client): Promise<number> =>
  (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

async function start(databaseUrl: string): Promise<{ cli: ServerCli; url: string }> {
  const cli = runServerCli(['--port', '0', '--host', '127.0.0.1', '--secret', SECRET, '--database-url', databaseUrl]);
  return { cli, url: await cli.listening() };
}

async function createConversation(socket: Socket, participantIds: string[]): Promise<string> {
  const created = await emitAck<Ack<{ conversation: Conversation }>>(socket, 'conversation:create', { participantIds }, 10_000);
  if (!created.ok) throw new Error(created.error.message);
  return created.conversation.id;
}

const send = (socket: Socket, conversationId: string, clientMessageId: string, timeoutMs = 30_000) =>
  emitAck<Ack<{ message: Message }>>(socket, 'message:send', { conversationId, content: clientMessageId, clientMessageId }, timeoutMs);

describe('kind 1: a connection lost while checked out of the pool', () => {
  it('fails the request in flight, the process stays up and serves the next ones', async () => {
    const databaseUrl = await postgres.createDatabase();
    const { cli, url } = await start(databaseUrl);
    const alice = await connect(url, 'alice');
    await createConversation(alice, ['bob']);

    // Hold a lock the next conversation:create's transaction waits on, with its client checked out.
    const holder = await sql(databaseUrl);
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE socketkit_participants IN ACCESS EXCLUSIVE MODE');
    const pending = emitAck<Ack<{ conversation: Conversation }>>(alice, 'conversation:create', { participantIds: ['carol'] }, 20_000);
    const admin = await sql(postgres.url);
    const terminated = await waitFor(
      async () => {
        const { rows } = await admin.query<{ done: boolean }>(
          `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity
           WHERE datname = $1 AND wait_event_type = 'Lock' AND pid <> $2`,
          [new URL(databaseUrl).pathname.slice(1), await backendPid(holder)],
        );
        return rows.some((row) => row.done);
      },
      { timeoutMs: 10_000, intervalMs: 10, message: 'the waiting transaction terminated' },
    );
    expect(terminated).toBe(true);
    const failed = await pending;
    expect(failed.ok).toBe(false);
    await holder.query('ROLLBACK');

    // Every other connection of the server, idle in the pool, terminated as well.
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> $2`, [
      new URL(databaseUrl).pathname.slice(1),
      await backendPid(holder),
    ]);
    const conversationId = await createConversation(alice, ['dave']);
    for (let i = 0; i < 5; i++) expect((await send(alice, conversationId, `after-${i}`)).ok).toBe(true);
    expect(cli.child.exitCode).toBeNull();
    expect((await fetch(`${url}/ready`)).status).toBe(200);
  }, 90_000);
});

describe('kind 2: a database that vanished without closing its connections', () => {
  it('under load, acked sends resume and /ready is 200 within seconds of the database answering again', async () => {
    const databaseUrl = await postgres.createDatabase();
    const proxy = await startProxy(postgres.port);
    proxies.push(proxy);
    const throughProxy = new URL(databaseUrl);
    throughProxy.port = String(proxy.port);
    const { cli, url } = await start(throughProxy.toString());

    // Ten senders in ten conversations, so the pool holds all its connections.
    const senders = await Promise.all(Array.from({ length: 10 }, (_, i) => connect(url, `user-${i}`)));
    const conversations = await Promise.all(senders.map((socket, i) => createConversation(socket, [`peer-${i}`])));
    const acked: number[] = [];
    let running = true;
    const loops = senders.map(async (socket, i) => {
      for (let n = 0; running; n++) {
        const ack = await send(socket, conversations[i]!, `load-${i}-${n}`, 60_000).catch(() => null);
        if (ack?.ok) acked.push(performance.now());
        else await new Promise((resolve) => setTimeout(resolve, 200));
      }
    });
    await waitFor(() => acked.length >= 50, { timeoutMs: 30_000, message: 'load running' });

    // The failover: every open connection hangs for good, and for 4 s nothing new answers either.
    proxy.blackhole();
    proxy.block('hold');
    await new Promise((resolve) => setTimeout(resolve, 4000));
    proxy.restore();
    const restoredAt = performance.now();

    await waitFor(async () => (await fetch(`${url}/ready`)).status === 200, { timeoutMs: 30_000, intervalMs: 200, message: '/ready 200' });
    const readyAfterMs = performance.now() - restoredAt;
    await waitFor(() => acked.filter((at) => at > restoredAt).length >= 20, { timeoutMs: 60_000, intervalMs: 50, message: 'acked sends again' });
    const resumedAfterMs = acked.filter((at) => at > restoredAt)[0]! - restoredAt;
    running = false;
    await Promise.all(loops);

    // The bounds of POOL_TIMEOUTS: a hung query is given up after 7 s, its connection replaced.
    expect(resumedAfterMs).toBeLessThan(12_000);
    expect(readyAfterMs).toBeLessThan(12_000);
    expect(cli.child.exitCode).toBeNull();
  }, 180_000);
});

describe('kind 3: one conversation whose row is locked', () => {
  it('does not slow sends in other conversations, and /ready stays 200; its own sends fail in bounded time', async () => {
    const databaseUrl = await postgres.createDatabase();
    const { url } = await start(databaseUrl);
    const alice = await connect(url, 'alice');
    const bob = await connect(url, 'bob');
    const busy = await createConversation(alice, ['carol', 'dave']);
    const busySenders = [alice, await connect(url, 'carol'), await connect(url, 'dave')];
    const other = await createConversation(bob, ['carol']);
    // Normal latency first, on this loaded machine.
    const before: number[] = [];
    for (let i = 0; i < 5; i++) {
      const startedAt = performance.now();
      expect((await send(bob, other, `before-${i}`)).ok).toBe(true);
      before.push(performance.now() - startedAt);
    }

    const holder = await sql(databaseUrl);
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM socketkit_conversations WHERE id = $1 FOR UPDATE', [busy]);
    // More waiting sends than the pool has connections (10), from three sockets (each socket's sends run one at a time).
    const startedBusy = performance.now();
    const stuck = Array.from({ length: 12 }, (_, i) => send(busySenders[i % 3]!, busy, `stuck-${i}`, 120_000));
    for (const answer of stuck) answer.catch(() => undefined);

    const during: number[] = [];
    for (let i = 0; i < 10; i++) {
      const startedAt = performance.now();
      expect((await send(bob, other, `during-${i}`)).ok).toBe(true);
      during.push(performance.now() - startedAt);
      expect((await fetch(`${url}/ready`)).status).toBe(200);
    }
    const answers = await Promise.all(stuck);
    const busyAnsweredMs = performance.now() - startedBusy;
    await holder.query('ROLLBACK');

    // Normal latency: within a second on a loaded machine, and not far above what it was.
    const slowest = (ms: number[]) => ms.reduce((a, b) => Math.max(a, b), 0);
    expect(slowest(during)).toBeLessThan(Math.max(1000, 5 * slowest(before)));
    // The locked conversation's sends fail, each after its lock_timeout of 2 s (PostgreSQL queues the waiters of
    // one row, so they time out one after another): answered, not hung.
    expect(answers.every((answer) => !answer.ok)).toBe(true);
    expect(busyAnsweredMs).toBeLessThan(12 * 2000 + 6000);
    // …and once the lock is gone, the conversation works again.
    expect((await send(alice, busy, 'after')).ok).toBe(true);
  }, 180_000);
});
