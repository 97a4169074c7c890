/**
 * The server API for backends (docs/deploy.md, "The server API, for your backend"), served by the
 * production server (`startStandaloneServer`, what `socketkit-server` runs)
 * on port 0 with real sockets, and the same operations on `SocketkitServer`
 * for apps that embed socketkit.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from 'socketkit/protocol';
import type { Conversation, Message, PresenceState } from 'socketkit/protocol';
import { apiKeyMatches } from 'socketkit/server/internal';
import { RequestError, silentLogger, startStandaloneServer, type StandaloneServer } from 'socketkit/server';
import { readJsonBody } from '../../src/server/http/routing.js';
import { emitAck, once, waitFor } from '../support/wait.js';

const SECRET = 'server-api-secret';
const API_KEY = 'the-backend-key';
let server: StandaloneServer;
const sockets: Socket[] = [];

beforeAll(async () => {
  server = await startStandaloneServer({
    port: 0,
    host: '127.0.0.1',
    secret: SECRET,
    storage: { kind: 'memory' },
    apiKey: API_KEY,
    presenceGraceMs: 0,
    logger: silentLogger,
  });
});

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await server?.close();
});

async function connect(userId: string): Promise<Socket> {
  const socket = io(server.url, {
    auth: { token: jwt.sign({ userId }, SECRET, { expiresIn: 600 }) },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  sockets.push(socket);
  await once(socket, 'connection:established', 5000);
  return socket;
}

async function call(method: string, path: string, body?: unknown, key: string | null = API_KEY) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const res = await fetch(`${server.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Resolves with the payloads `socket` got for `event` so far (after the server answered, so the emit went out first). */
function collect(socket: Socket, event: string): unknown[] {
  const seen: unknown[] = [];
  socket.on(event, (payload: unknown) => seen.push(payload));
  return seen;
}

async function joinedConversation(participants: string[]): Promise<{ conversation: Conversation; sockets: Socket[] }> {
  const created = await call('POST', '/server/conversations', { participantIds: participants.slice(1), createdBy: participants[0] });
  const conversation = created.body.conversation as Conversation;
  const joined = await Promise.all(participants.map((id) => connect(id)));
  for (const socket of joined) await emitAck(socket, 'conversation:join', conversation.id);
  return { conversation, sockets: joined };
}

describe('server API authentication', () => {
  it('answers 401 without the key or with another one, before any validation', async () => {
    for (const key of [null, 'wrong', `${API_KEY}x`, '']) {
      const res = await call('POST', '/server/users/alice/emit', { event: 'x', data: 1 }, key);
      expect(res.status, String(key)).toBe(401);
      expect(res.body).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
    }
    const wrongMethod = await call('DELETE', '/server/online-users', undefined, null);
    expect(wrongMethod.status).toBe(401);
  });

  it('compares keys in constant time over equal-length digests', () => {
    expect(apiKeyMatches(API_KEY, API_KEY)).toBe(true);
    expect(apiKeyMatches(undefined, API_KEY)).toBe(false);
    expect(apiKeyMatches('short', API_KEY)).toBe(false);
  });

  it('answers 404 for an unknown /server path and 405 for another method', async () => {
    expect((await call('GET', '/server/nothing')).status).toBe(404);
    const res = await call('GET', '/server/conversations');
    expect(res.status).toBe(405);
  });

  it('405 names what is allowed and nothing it does not answer: Allow without OPTIONS, code BAD_REQUEST', async () => {
    for (const method of ['GET', 'OPTIONS', 'DELETE']) {
      const res = await fetch(`${server.url}/server/conversations`, { method, headers: { authorization: `Bearer ${API_KEY}` } });
      expect(res.status, method).toBe(405);
      expect(res.headers.get('allow'), method).toBe('POST');
      expect(await res.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    }
  });
});

describe('POST /server/users/:userId/emit', () => {
  it('sends the event to every socket of that user only', async () => {
    const [first, second, other] = [await connect('u-emit'), await connect('u-emit'), await connect('u-other')];
    const otherSeen = collect(other, 'notification:new');
    const got = Promise.all([once(first, 'notification:new'), once(second, 'notification:new')]);
    const res = await call('POST', '/server/users/u-emit/emit', { event: 'notification:new', data: { id: 'n1', title: 'Hi' } });
    expect(res).toEqual({ status: 200, body: { ok: true } });
    expect(await got).toEqual([
      { id: 'n1', title: 'Hi' },
      { id: 'n1', title: 'Hi' },
    ]);
    const custom = once(first, 'invoice:paid');
    await call('POST', '/server/users/u-emit/emit', { event: 'invoice:paid', data: 42 });
    expect(await custom).toBe(42);
    expect(otherSeen).toEqual([]);
  });

  it('refuses reserved, protocol-guaranteed, empty and over-long event names with 400', async () => {
    for (const event of ['connect', 'disconnect', 'error', 'newListener', 'message:new', 'user:online', 'user:offline', 'presence:changes', 'user:typing', 'connection:established', 'connection:error', 'auth:expired', '', 'x'.repeat(129), 7]) {
      const res = await call('POST', '/server/users/alice/emit', { event, data: null });
      expect(res.status, String(event)).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    }
    expect((await call('POST', '/server/users/alice/emit', { event: 'x'.repeat(128), data: null })).status).toBe(200);
  });

  it('answers 400 for a malformed path segment or a body of the wrong shape, and keeps serving', async () => {
    expect((await call('POST', '/server/users/%E0%A4%A/emit', { event: 'x', data: 1 })).status).toBe(400);
    for (const body of [null, [], 'text', { data: 1 }, { event: 'x', data: 1, extra: { deep: [[[[]]]] } }]) {
      const res = await call('POST', '/server/conversations', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await call('GET', '/server/users/alice/presence')).status).toBe(200);
  });

  it('answers 400 for a body that is not JSON and 413 for one over 64 KB', async () => {
    const bad = await fetch(`${server.url}/server/users/alice/emit`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}` },
      body: '{not json',
    });
    expect(bad.status).toBe(400);
    const big = await call('POST', '/server/users/alice/emit', { event: 'x', data: 'y'.repeat(70_000) });
    expect(big.status).toBe(413);
  });

  it('answers 413 to a body past the 8 MB hard limit before cutting the connection, and keeps serving', async () => {
    const url = new URL('/server/users/alice/emit', server.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' } });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(256 * 1024, 'y');
      let sent = 0;
      // Past 8 MB the server stops reading; keep offering data until it answers.
      const pump = () => {
        while (sent < 64 * 1024 * 1024 && !req.destroyed) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
      };
      pump();
    });
    expect(status).toBe(413);
    expect((await call('GET', '/server/users/alice/presence')).status).toBe(200);
  });
});

describe('readJsonBody always settles', () => {
  let plain: Server;
  const outcomes: string[] = [];
  beforeAll(async () => {
    plain = createServer((req) => {
      readJsonBody(req).then(
        () => outcomes.push('resolved'),
        (error: unknown) => outcomes.push(error instanceof RequestError ? error.code : 'other'),
      );
      outcomes.push('request');
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => plain.close(() => resolve())));

  it('rejects BAD_REQUEST when the client goes away in the middle of the body', async () => {
    const { port } = plain.address() as AddressInfo;
    const req = request({ host: '127.0.0.1', port, method: 'POST', headers: { 'content-length': '1000' } });
    req.on('error', () => undefined);
    req.write('{"half":');
    await waitFor(() => outcomes.length === 1, { timeoutMs: 5000 });
    req.destroy();
    await waitFor(() => outcomes.length === 2, { timeoutMs: 5000 });
    expect(outcomes).toEqual(['request', 'BAD_REQUEST']);
  });
});

describe('POST /server/conversations/:id/emit', () => {
  it('sends to the conversation room, leaving out exceptUserId; 404 for an unknown conversation', async () => {
    const { conversation, sockets: [alice, bob, carol] } = await joinedConversation(['c-alice', 'c-bob', 'c-carol']);
    const aliceSeen = collect(alice!, 'poll:closed');
    const toAll = Promise.all([once(bob!, 'poll:closed'), once(carol!, 'poll:closed')]);
    const res = await call('POST', `/server/conversations/${conversation.id}/emit`, { event: 'poll:closed', data: { poll: 1 }, exceptUserId: 'c-alice' });
    expect(res).toEqual({ status: 200, body: { ok: true } });
    expect(await toAll).toEqual([{ poll: 1 }, { poll: 1 }]);
    const everyone = once(alice!, 'poll:opened');
    await call('POST', `/server/conversations/${conversation.id}/emit`, { event: 'poll:opened', data: 2 });
    expect(await everyone).toBe(2);
    expect(aliceSeen).toEqual([]);

    const unknown = await call('POST', '/server/conversations/nope/emit', { event: 'poll:closed', data: null });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    const reserved = await call('POST', `/server/conversations/${conversation.id}/emit`, { event: 'message:new', data: {} });
    expect(reserved.status).toBe(400);
  });
});

describe('presence', () => {
  it('GET /server/users/:userId/presence: online with since; offline with lastSeen; never seen: online false', async () => {
    const socket = await connect('p-dana');
    const online = await call('GET', '/server/users/p-dana/presence');
    expect(online).toMatchObject({ status: 200, body: { userId: 'p-dana', online: true, since: expect.any(String) } });
    socket.disconnect();
    const offline = await waitFor(async () => {
      const res = await call('GET', '/server/users/p-dana/presence');
      return (res.body as unknown as PresenceState).online === false ? res : undefined;
    });
    expect(offline.body).toMatchObject({ userId: 'p-dana', online: false, lastSeen: expect.any(String) });
    expect(await call('GET', '/server/users/never-seen/presence')).toEqual({ status: 200, body: { userId: 'never-seen', online: false } });
  });

  it('GET /server/online-users pages in userId order with nextCursor; limit capped at 1,000', async () => {
    for (const id of ['o-3', 'o-1', 'o-2']) await connect(id);
    const all = await call('GET', '/server/online-users?limit=1000');
    const ids = (all.body.users as { userId: string }[]).map((u) => u.userId);
    expect(ids).toEqual([...ids].sort());
    expect(ids).toEqual(expect.arrayContaining(['o-1', 'o-2', 'o-3']));

    const first = await call('GET', `/server/online-users?cursor=o-0&limit=2`);
    expect(first.body).toMatchObject({ users: [{ userId: 'o-1', since: expect.any(String) }, { userId: 'o-2' }], hasMore: true, nextCursor: 'o-2' });
    const second = await call('GET', `/server/online-users?cursor=${first.body.nextCursor as string}&limit=2`);
    expect((second.body.users as { userId: string }[])[0]?.userId).toBe('o-3');
    expect((await call('GET', '/server/online-users?limit=0')).status).toBe(400);
    expect((await call('GET', '/server/online-users?limit=5000')).status).toBe(200);
  });
});

describe('POST /server/conversations', () => {
  it('creates with createdBy always a participant (201); 400 without createdBy; 413 over 1,000 participants', async () => {
    const res = await call('POST', '/server/conversations', { participantIds: ['n-bob', 'n-bob'], title: '  Launch  ', createdBy: 'n-alice' });
    expect(res.status).toBe(201);
    expect(res.body.conversation).toMatchObject({ title: 'Launch', participantIds: ['n-alice', 'n-bob'] });
    expect(await server.socketkit.store.getConversation((res.body.conversation as Conversation).id)).toBeDefined();

    expect((await call('POST', '/server/conversations', { participantIds: ['x'] })).status).toBe(400);
    const many = Array.from({ length: LIMITS.maxParticipants }, (_, i) => `m${i}`);
    expect((await call('POST', '/server/conversations', { participantIds: many, createdBy: 'creator' })).status).toBe(413);
  });
});

describe('POST /server/conversations/:id/messages', () => {
  it('stores with the next seq and sends message:new to the room (201); a repeat answers 200 with the stored message and sends nothing', async () => {
    const { conversation, sockets: [alice, bob] } = await joinedConversation(['s-alice', 's-bob']);
    const bobSeen = collect(bob!, 'message:new');
    const arrived = once<Message>(alice!, 'message:new');
    const body = { senderId: 's-bob', content: 'Deploy finished', clientMessageId: 'deploy-1' };
    const first = await call('POST', `/server/conversations/${conversation.id}/messages`, body);
    expect(first.status).toBe(201);
    const message = first.body.message as Message;
    expect(message).toMatchObject({ seq: 1, senderId: 's-bob', content: 'Deploy finished', clientMessageId: 'deploy-1', conversationId: conversation.id });
    expect(await arrived).toEqual(message);

    const repeat = await call('POST', `/server/conversations/${conversation.id}/messages`, { ...body, content: 'other' });
    expect(repeat).toEqual({ status: 200, body: { message } });
    // A socket send after it gets seq 2 and the ack comes after any broadcast of the repeat would have.
    const next = await emitAck<{ ok: true; message: Message }>(alice!, 'message:send', { conversationId: conversation.id, content: 'ok', clientMessageId: 'a-1' });
    expect(next.message.seq).toBe(2);
    expect(bobSeen).toEqual([message, next.message]);
  });

  it('404 unknown conversation, 403 sender not a participant, 400 empty content, 413 content too long', async () => {
    const { conversation } = await joinedConversation(['e-alice', 'e-bob']);
    const path = `/server/conversations/${conversation.id}/messages`;
    const ok = { senderId: 'e-alice', content: 'hi', clientMessageId: 'k' };
    expect(await call('POST', '/server/conversations/nope/messages', ok)).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect(await call('POST', path, { ...ok, senderId: 'mallory' })).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(await call('POST', path, { ...ok, content: '' })).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    expect(await call('POST', path, { ...ok, clientMessageId: undefined })).toMatchObject({ status: 400 });
    const tooLong = await call('POST', path, { ...ok, content: 'x'.repeat(LIMITS.maxContentLength + 1) });
    expect(tooLong).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
  });
});

describe('the same operations on SocketkitServer (apps that embed socketkit)', () => {
  it('createConversation, postMessage (idempotent, broadcast once), emitToUser, emitToConversation, presence', async () => {
    const { socketkit } = server;
    const conversation = await socketkit.createConversation({ createdBy: 'x-alice', participantIds: ['x-bob'], title: null });
    expect(conversation.participantIds).toEqual(['x-alice', 'x-bob']);
    const bob = await connect('x-bob');
    await emitAck(bob, 'conversation:join', conversation.id);
    const seen = collect(bob, 'message:new');
    const input = { conversationId: conversation.id, senderId: 'x-alice', content: 'hello', clientMessageId: 'e1' };
    const first = await socketkit.postMessage(input);
    const repeat = await socketkit.postMessage(input);
    expect(first.created).toBe(true);
    expect(repeat).toEqual({ created: false, message: first.message });
    await waitFor(() => seen.length === 1);

    await expect(socketkit.postMessage({ ...input, senderId: 'mallory' })).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403 });
    await expect(socketkit.emitToUser('x-bob', 'user:online', {})).rejects.toBeInstanceOf(RequestError);
    await expect(socketkit.emitToConversation('nope', 'x', {})).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
    const custom = once(bob, 'ping:custom');
    await socketkit.emitToConversation(conversation.id, 'ping:custom', 1);
    expect(await custom).toBe(1);
    expect(await socketkit.getUserPresence('x-bob')).toMatchObject({ online: true });
    expect(seen).toEqual([first.message]);
  });

  it('createConversation and postMessage check their input as the socket requests do', async () => {
    const { socketkit } = server;
    const conversation = await socketkit.createConversation({ createdBy: 'v-alice', participantIds: [] });
    const input = { conversationId: conversation.id, senderId: 'v-alice', content: 'hello', clientMessageId: 'v1' };
    const bad = [
      { ...input, content: '' },
      { ...input, clientMessageId: '' },
      { ...input, content: 7 },
      { ...input, senderId: '' },
    ];
    for (const value of bad) {
      await expect(socketkit.postMessage(value as never), JSON.stringify(value)).rejects.toMatchObject({ code: 'BAD_REQUEST', status: 400 });
    }
    for (const value of [
      { ...input, content: 'x'.repeat(LIMITS.maxContentLength + 1) },
      { ...input, clientMessageId: 'k'.repeat(LIMITS.maxClientMessageIdLength + 1) },
    ]) {
      await expect(socketkit.postMessage(value)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 });
    }
    await expect(socketkit.createConversation({ createdBy: '', participantIds: [] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(socketkit.createConversation({ createdBy: 'v-alice', participantIds: [3] as never })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(
      socketkit.createConversation({ createdBy: 'v-alice', participantIds: [], title: 't'.repeat(LIMITS.maxTitleLength + 1) }),
    ).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    const many = Array.from({ length: LIMITS.maxParticipants + 1 }, (_, i) => `p${i}`);
    await expect(socketkit.createConversation({ createdBy: 'v-alice', participantIds: many })).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect((await server.socketkit.store.history({ conversationId: conversation.id, limit: 10 })).messages).toEqual([]);
  });

  it('a malformed field outranks an over-long one, and the message names the issue that decided the status', async () => {
    const many = Array.from({ length: LIMITS.maxParticipants + 1 }, (_, i) => `q${i}`);
    const res = await call('POST', '/server/conversations', { participantIds: many });
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    expect((res.body.error as { message: string }).message).toContain('createdBy');
    const tooMany = await call('POST', '/server/conversations', { participantIds: many, createdBy: 'q-alice' });
    expect(tooMany).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
    expect((tooMany.body.error as { message: string }).message).toContain('participantIds');
  });
});
