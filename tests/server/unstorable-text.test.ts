/**
 * issue 19, kind 7: text a store cannot keep (a NUL character, a lone
 * surrogate) is refused by validation with BAD_REQUEST wherever it comes in
 * (content, ids, titles, the server API, the token's user id), on
 * `socketkit-server` over a real PostgreSQL that would refuse or mangle it;
 * a socketkit client marks such a message `failed` at once and its outbox
 * sends the next one.
 */
import jwt from 'jsonwebtoken';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRealtimeClient, type RealtimeClient } from 'socketkit';
import type { Ack, Conversation, Message } from 'socketkit/protocol';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { killServerClis, runServerCli } from '../support/server-cli.js';
import { emitAck, once, waitFor } from '../support/wait.js';

const SECRET = 'unstorable-secret-of-at-least-32-bytes';
const API_KEY = 'unstorable-api-key';
const UNSTORABLE = [
  { name: 'NUL', text: 'a\u0000b' },
  { name: 'lone high surrogate', text: 'a\ud83d' },
  { name: 'lone low surrogate', text: '\ude00b' },
];
let postgres: TestPostgres;
let url: string;
const sockets: Socket[] = [];
const clients: RealtimeClient[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
  const cli = runServerCli([
    '--port', '0', '--host', '127.0.0.1', '--secret', SECRET, '--api-key', API_KEY,
    '--database-url', await postgres.createDatabase(),
  ]);
  url = await cli.listening();
}, 120_000);
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  for (const client of clients.splice(0)) client.destroy();
});
afterAll(async () => {
  killServerClis();
  await postgres?.stop();
});

const token = (userId: string) => jwt.sign({ userId }, SECRET, { expiresIn: 600 });

async function connect(userId: string): Promise<Socket> {
  const socket = io(url, { auth: { token: token(userId) }, transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  await once(socket, 'connection:established', 15_000);
  return socket;
}

async function newConversation(socket: Socket): Promise<string> {
  const created = await emitAck<Ack<{ conversation: Conversation }>>(socket, 'conversation:create', { participantIds: ['bob'] }, 10_000);
  if (!created.ok) throw new Error(created.error.message);
  return created.conversation.id;
}

describe.each(UNSTORABLE)('text with a $name', ({ text }) => {
  it('is refused with BAD_REQUEST in every field that is stored, and the socket goes on', async () => {
    const alice = await connect('alice');
    const conversationId = await newConversation(alice);
    const refused = { ok: false, error: { code: 'BAD_REQUEST' } };
    const send = (payload: Record<string, unknown>) =>
      emitAck(alice, 'message:send', { conversationId, content: 'hi', clientMessageId: 'x', ...payload }, 10_000);
    expect(await send({ content: text })).toMatchObject(refused);
    expect(await send({ clientMessageId: text })).toMatchObject(refused);
    expect(await send({ conversationId: text })).toMatchObject(refused);
    expect(await emitAck(alice, 'conversation:create', { participantIds: [text] }, 10_000)).toMatchObject(refused);
    expect(await emitAck(alice, 'conversation:create', { participantIds: ['bob'], title: text }, 10_000)).toMatchObject(refused);

    const api = (path: string, body: unknown) =>
      fetch(`${url}/server${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await api(`/conversations/${conversationId}/messages`, { senderId: 'alice', content: text, clientMessageId: 'y' })).status).toBe(400);
    expect((await api(`/conversations/${conversationId}/messages`, { senderId: text, content: 'hi', clientMessageId: 'y' })).status).toBe(400);

    // Nothing was lost or blocked: the next message is stored as seq 1.
    const ok = await send({ content: 'after', clientMessageId: 'after' });
    expect(ok).toMatchObject({ ok: true, message: { seq: 1, content: 'after' } });
  }, 60_000);

  it('as the token user id is refused at the handshake', async () => {
    const socket = io(url, { auth: { token: token(`u${text}`) }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    const error = await once<Error & { data?: { code?: string } }>(socket, 'connect_error', 15_000);
    expect(error.data?.code).toBe('TOKEN_INVALID');
  }, 30_000);
});

describe('a socketkit client sending text no store can keep', () => {
  it('marks that message failed (BAD_REQUEST) at once, and its ordered outbox sends the next', async () => {
    const alice = await connect('alice');
    const conversationId = await newConversation(alice);
    const client = createRealtimeClient({ url, getToken: () => token('alice'), logger: { warn: () => {}, error: () => {} }, socketOptions: { transports: ['websocket'] } });
    clients.push(client);
    client.connect();
    const room = client.conversation(conversationId);
    const bad = room.send('nul \u0000 inside');
    const good = room.send('after it');
    await expect(bad).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(good).resolves.toMatchObject({ status: 'sent', content: 'after it' });
    await waitFor(() => room.getSnapshot().messages.some((m) => m.status === 'failed' && m.error?.code === 'BAD_REQUEST'), { timeoutMs: 5000 });
    const stored = await emitAck<Ack<{ messages: Message[] }>>(alice, 'conversation:history', { conversationId }, 10_000);
    expect(stored.ok && stored.messages.map((m) => m.content)).toEqual(['after it']);
  }, 60_000);
});
