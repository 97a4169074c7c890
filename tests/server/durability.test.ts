/**
 * server-v1.md, "Durability": SIGKILL the server right after acknowledged
 * sends, start it again on the same storage, and nothing acknowledged is
 * missing; seq continues at last + 1; an old clientMessageId is recognised;
 * the store id is the same. For the embedded store and PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, ConnectionEstablishedPayload, Conversation, HistoryResult, Message } from 'socketkit/protocol';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { killServerClis, runServerCli } from '../support/server-cli.js';
import { emitAck, once } from '../support/wait.js';

const SECRET = 'durability-secret-of-at-least-32-bytes';
const API_KEY = 'durability-api-key';
let postgres: TestPostgres;
const dirs: string[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
}, 120_000);
afterEach(() => killServerClis());
afterAll(async () => {
  await postgres?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function connect(url: string, userId: string): Promise<{ socket: Socket; established: ConnectionEstablishedPayload }> {
  const socket = io(url, {
    auth: { token: jwt.sign({ userId }, SECRET, { expiresIn: 600 }) },
    transports: ['websocket'],
    reconnection: false,
  });
  const established = await once<ConnectionEstablishedPayload>(socket, 'connection:established', 15_000);
  return { socket, established };
}

const storages: { name: string; args: () => Promise<string[]> }[] = [
  {
    name: '--data-dir',
    args: () => {
      const dir = mkdtempSync(join(tmpdir(), 'socketkit-kill-'));
      dirs.push(dir);
      return Promise.resolve(['--data-dir', dir]);
    },
  },
  { name: '--database-url', args: async () => ['--database-url', await postgres.createDatabase()] },
];

describe.each(storages)('kill and restart with $name', ({ args }) => {
  it('loses no acknowledged message; seq continues; old clientMessageIds are recognised; same storeId', async () => {
    const storage = await args();
    const flags = ['--port', '0', '--host', '127.0.0.1', '--secret', SECRET, '--api-key', API_KEY, ...storage];
    const first = runServerCli(flags);
    const url = await first.listening();
    const { socket, established } = await connect(url, 'alice');

    const created = await emitAck<Ack<{ conversation: Conversation }>>(socket, 'conversation:create', { participantIds: ['bob'] }, 10_000);
    if (!created.ok) throw new Error(created.error.message);
    const conversationId = created.conversation.id;

    // One message through the server API (201 = stored).
    const posted = await fetch(`${url}/server/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ senderId: 'bob', content: 'from the backend', clientMessageId: 'api-1' }),
    });
    expect(posted.status).toBe(201);
    const acked: Message[] = [((await posted.json()) as { message: Message }).message];

    // Sends in flight (28: inside the default rate limit's burst of 30 with the create);
    // SIGKILL in the callback of the 20th acknowledgement, with later sends unanswered.
    const killed = new Promise<void>((resolve, reject) => {
      let count = 0;
      for (let i = 0; i < 28; i++) {
        socket.emit('message:send', { conversationId, content: `message ${i}`, clientMessageId: `m${i}` }, (ack: Ack<{ message: Message }>) => {
          if (!ack.ok) {
            reject(new Error(`send ${i} failed: ${ack.error.code}`));
            return;
          }
          acked.push(ack.message);
          count++;
          if (count === 20) {
            first.child.kill('SIGKILL');
            resolve();
          }
        });
      }
    });
    await killed;
    // Anything acknowledged before the kill signal went out counts; later acks cannot arrive from a dead process.
    const acknowledged = [...acked];
    expect(await first.exited).toBeNull();
    socket.disconnect();

    const second = runServerCli(flags);
    const url2 = await second.listening();
    const again = await connect(url2, 'alice');
    try {
      expect(again.established.storeId).toBe(established.storeId);
      const page = await emitAck<Ack<HistoryResult>>(again.socket, 'conversation:history', { conversationId, afterSeq: 0, limit: 200 }, 10_000);
      if (!page.ok) throw new Error(page.error.message);
      const stored = new Map(page.messages.map((m) => [m.id, m]));
      for (const message of acknowledged) expect(stored.get(message.id), `acked ${message.clientMessageId}`).toEqual(message);
      const seqs = page.messages.map((m) => m.seq);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));

      const last = seqs.length;
      const retry = await emitAck<Ack<{ message: Message }>>(
        again.socket,
        'message:send',
        { conversationId, content: 'retry', clientMessageId: acknowledged[5]!.clientMessageId },
        10_000,
      );
      expect(retry).toEqual({ ok: true, message: acknowledged[5] });
      const next = await emitAck<Ack<{ message: Message }>>(again.socket, 'message:send', { conversationId, content: 'after', clientMessageId: 'after-restart' }, 10_000);
      expect(next).toMatchObject({ ok: true, message: { seq: last + 1 } });

      const conversations = await fetch(`${url2}/server/users/alice/presence`, { headers: { authorization: `Bearer ${API_KEY}` } });
      expect(await conversations.json()).toMatchObject({ userId: 'alice', online: true });
    } finally {
      again.socket.disconnect();
    }
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 120_000);
});
