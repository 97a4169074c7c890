/**
 * Group commit under SIGKILL (issue 22): many sockets keep acknowledged sends
 * in flight at once, so the server appends them in batches (one commit per
 * batch); the server is killed in the middle of the acknowledgements. After
 * a restart on the same storage every acknowledged message is stored exactly
 * as acknowledged, seq has no gap, each sender's messages keep their send
 * order, and retrying every send (acknowledged or not) stores each
 * clientMessageId once: an acknowledged one answers its stored message.
 * For the embedded store and PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, Conversation, HistoryResult, Message } from 'socketkit/protocol';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { killServerClis, runServerCli } from '../support/server-cli.js';
import { emitAck, once } from '../support/wait.js';

const SECRET = 'group-commit-secret-of-at-least-32-bytes';
/** 10 senders × 20 sends in flight: 200 sends, inside each socket's rate-limit burst of 30. */
const SENDERS = Array.from({ length: 10 }, (_, i) => `sender-${i}`);
const PER_SENDER = 20;
const KILL_AT_ACK = 100;

let postgres: TestPostgres;
const dirs: string[] = [];

beforeAll(async () => {
  postgres = await startPostgres({ fsync: true });
}, 120_000);
afterEach(() => killServerClis());
afterAll(async () => {
  await postgres?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function connect(url: string, userId: string): Promise<Socket> {
  const socket = io(url, {
    auth: { token: jwt.sign({ userId }, SECRET, { expiresIn: 600 }) },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  await once(socket, 'connection:established', 15_000);
  return socket;
}

async function history(socket: Socket, conversationId: string): Promise<Message[]> {
  const all: Message[] = [];
  for (let afterSeq = 0; ; ) {
    const page = await emitAck<Ack<HistoryResult>>(socket, 'conversation:history', { conversationId, afterSeq, limit: 100 }, 10_000);
    if (!page.ok) throw new Error(page.error.message);
    for (const message of page.messages) all.push(message);
    if (!page.hasMore || page.messages.length === 0) return all;
    afterSeq = page.messages[page.messages.length - 1]!.seq;
  }
}

const storages: { name: string; args: () => Promise<string[]> }[] = [
  {
    name: '--data-dir',
    args: () => {
      const dir = mkdtempSync(join(tmpdir(), 'socketkit-burst-'));
      dirs.push(dir);
      return Promise.resolve(['--data-dir', dir]);
    },
  },
  { name: '--database-url', args: async () => ['--database-url', await postgres.createDatabase()] },
];

describe.each(storages)('SIGKILL during a burst of acknowledged sends with $name', ({ args }) => {
  it('loses nothing acknowledged; seq gapless in each sender\'s order; every retry stores its clientMessageId once', async () => {
    const flags = ['--port', '0', '--host', '127.0.0.1', '--secret', SECRET, ...(await args())];
    const first = runServerCli(flags);
    const url = await first.listening();
    const sockets = await Promise.all(SENDERS.map((userId) => connect(url, userId)));
    const created = await emitAck<Ack<{ conversation: Conversation }>>(sockets[0]!, 'conversation:create', { participantIds: SENDERS.slice(1) }, 10_000);
    if (!created.ok) throw new Error(created.error.message);
    const conversationId = created.conversation.id;

    const sends = SENDERS.flatMap((senderId, s) =>
      Array.from({ length: PER_SENDER }, (_, i) => ({ s, senderId, payload: { conversationId, content: `${senderId} #${i}`, clientMessageId: `${senderId}-${i}` } })),
    );
    const acked = new Map<string, Message>();
    await new Promise<void>((resolve, reject) => {
      for (const { s, payload } of sends) {
        sockets[s]!.emit('message:send', payload, (ack: Ack<{ message: Message }>) => {
          if (acked.size >= KILL_AT_ACK) return;
          if (!ack.ok) {
            reject(new Error(`send ${payload.clientMessageId} refused: ${ack.error.code}`));
            return;
          }
          acked.set(ack.message.id, ack.message);
          if (acked.size === KILL_AT_ACK) {
            first.child.kill('SIGKILL');
            resolve();
          }
        });
      }
    });
    // Only what was acknowledged before the signal went out counts.
    const acknowledged = [...acked.values()];
    expect(await first.exited).toBeNull();
    for (const socket of sockets) socket.disconnect();

    const second = runServerCli(flags);
    const url2 = await second.listening();
    const again = await Promise.all(SENDERS.map((userId) => connect(url2, userId)));
    try {
      const stored = await history(again[0]!, conversationId);
      const byId = new Map(stored.map((m) => [m.id, m]));
      for (const message of acknowledged) expect(byId.get(message.id), `acked ${message.clientMessageId}`).toEqual(message);
      expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
      // Each sender's messages were stored in the order its socket sent them.
      for (const senderId of SENDERS) {
        const order = stored.filter((m) => m.senderId === senderId).map((m) => Number(m.clientMessageId.split('-').pop()));
        expect(order, senderId).toEqual([...order].sort((a, b) => a - b));
      }

      // Every send again, acknowledged or not, all at once: each clientMessageId is stored once.
      const retries = await Promise.all(
        sends.map(({ s, payload }) => emitAck<Ack<{ message: Message }>>(again[s]!, 'message:send', { ...payload, content: `retry of ${payload.content}` }, 20_000)),
      );
      const ackedByKey = new Map(acknowledged.map((m) => [`${m.senderId}/${m.clientMessageId}`, m]));
      retries.forEach((retry, i) => {
        if (!retry.ok) throw new Error(`retry ${sends[i]!.payload.clientMessageId} refused: ${retry.error.code}`);
        const before = ackedByKey.get(`${retry.message.senderId}/${retry.message.clientMessageId}`);
        if (before) expect(retry.message).toEqual(before);
      });
      const final = await history(again[0]!, conversationId);
      expect(final).toHaveLength(sends.length);
      expect(final.map((m) => m.seq)).toEqual(final.map((_, i) => i + 1));
      expect(new Set(final.map((m) => `${m.senderId}/${m.clientMessageId}`)).size).toBe(sends.length);
      for (const message of stored) expect(final[message.seq - 1]).toEqual(message);
    } finally {
      for (const socket of again) socket.disconnect();
    }
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 180_000);
});
