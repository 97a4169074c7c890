import { afterEach, describe, expect, it } from 'vitest';
import type { Conversation, Message } from 'socketkit/protocol';
import { startServer, type TestServer } from '../support/server.js';
import { emitAck, once } from '../support/wait.js';

let server: TestServer;
afterEach(async () => {
  await server?.cleanup();
});

const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('HTTP API', () => {
  it('GET /health answers ok, connections and uptime without auth', async () => {
    server = await startServer();
    await server.connect('alice');
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ ok: true, connections: 1, uptimeS: expect.any(Number) });
  });

  it('POST /auth/token signs a token the socket accepts, with name and lifetime', async () => {
    server = await startServer();
    const res = await post(`${server.url}/auth/token`, { userId: 7, name: 'Seven', expiresInS: 60 });
    expect(res.status).toBe(200);
    const { token } = await json<{ token: string }>(res);
    const socket = await server.connect('7', { token });
    expect(socket.connected).toBe(true);
    expect(await (await fetch(`${server.url}/api/users`, { headers: auth(token) })).json()).toMatchObject({
      users: expect.arrayContaining([{ id: '7', name: 'Seven', online: true }]),
    });
    expect((await post(`${server.url}/auth/token`, { name: 'no id' })).status).toBe(400);
  });

  it('turns off the development endpoints when devEndpoints is false (production)', async () => {
    server = await startServer({ devEndpoints: false });
    for (const path of ['/auth/token', '/dev/latency', '/dev/disconnect', '/dev/reset']) {
      const res = await post(`${server.url}${path}`, { userId: 'alice', ms: 1 });
      expect(res.status, path).toBe(404);
    }
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('GET /api/users lists seed users with online; 401 without a valid token', async () => {
    server = await startServer();
    await server.connect('bob');
    const res = await fetch(`${server.url}/api/users`, { headers: auth(server.token('alice')) });
    const { users } = await json<{ users: { id: string; name: string; online: boolean }[] }>(res);
    expect(users.map((u) => u.id)).toEqual(['alice', 'bob', 'carol', 'dave', 'erin', 'frank']);
    expect(users.find((u) => u.id === 'bob')).toMatchObject({ name: 'Bob Chen', online: true });
    expect(users.find((u) => u.id === 'carol')).toMatchObject({ name: 'Carol Díaz', online: false });
    const missing = await fetch(`${server.url}/api/users`);
    expect(missing.status).toBe(401);
    expect(await json(missing)).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
    const forged = await fetch(`${server.url}/api/users`, { headers: auth(server.signToken({ userId: 'alice' }, { secret: 'x' })) });
    expect(forged.status).toBe(401);
    const expired = await fetch(`${server.url}/api/users`, { headers: auth(server.signToken({ userId: 'alice' }, { expiresInS: -60 })) });
    expect(expired.status).toBe(401);
  });

  it('GET /api/conversations lists only the caller’s', async () => {
    server = await startServer();
    const { conversations } = await json<{ conversations: Conversation[] }>(
      await fetch(`${server.url}/api/conversations`, { headers: auth(server.token('carol')) }),
    );
    expect(conversations.map((c) => c.id).sort()).toEqual(['design', 'empty', 'general']);
  });

  it('POST /api/conversations creates one (201) with the caller as participant', async () => {
    server = await startServer();
    const res = await post(`${server.url}/api/conversations`, { participantIds: ['erin'], title: 'Ops' }, auth(server.token('frank')));
    expect(res.status).toBe(201);
    const { conversation } = await json<{ conversation: Conversation }>(res);
    expect(conversation).toMatchObject({ title: 'Ops', participantIds: ['frank', 'erin'] });
    const erin = await server.connect('erin');
    expect(await emitAck(erin, 'conversation:join', conversation.id)).toMatchObject({ ok: true });
    const bad = await post(`${server.url}/api/conversations`, { participantIds: 'erin' }, auth(server.token('frank')));
    expect(bad.status).toBe(400);
    expect(await json(bad)).toEqual({ error: { code: 'BAD_REQUEST', message: expect.any(String) } });
  });

  it('GET /api/conversations/:id/messages pages history; 403 non-participant, 404 unknown, 400 bad cursor', async () => {
    server = await startServer();
    const token = server.token('alice');
    const url = `${server.url}/api/conversations/long-history/messages`;
    const page = await json<{ messages: Message[]; hasMore: boolean }>(await fetch(`${url}?beforeSeq=11&limit=5`, { headers: auth(token) }));
    expect(page.messages.map((m) => m.seq)).toEqual([6, 7, 8, 9, 10]);
    expect(page.hasMore).toBe(true);
    const after = await json<{ messages: Message[]; hasMore: boolean }>(await fetch(`${url}?afterSeq=9995`, { headers: auth(token) }));
    expect(after.messages.map((m) => m.seq)).toEqual([9996, 9997, 9998, 9999, 10000]);
    expect(after.hasMore).toBe(false);
    const capped = await json<{ messages: Message[] }>(await fetch(`${url}?limit=999`, { headers: auth(token) }));
    expect(capped.messages).toHaveLength(200);
    expect((await fetch(url, { headers: auth(server.token('erin')) })).status).toBe(403);
    expect((await fetch(`${server.url}/api/conversations/nope/messages`, { headers: auth(token) })).status).toBe(404);
    expect((await fetch(`${url}?afterSeq=-1`, { headers: auth(token) })).status).toBe(400);
    expect((await fetch(`${url}?limit=abc`, { headers: auth(token) })).status).toBe(400);
    expect((await fetch(url)).status).toBe(401);
  });

  it('POST /api/notifications validates its body', async () => {
    server = await startServer();
    const res = await post(`${server.url}/api/notifications`, { userId: 'bob' }, auth(server.token('alice')));
    expect(res.status).toBe(400);
    expect((await post(`${server.url}/api/notifications`, { userId: 'bob', title: 't', body: 'b' })).status).toBe(401);
  });

  it('answers 400 for invalid JSON and 413 for a body over the limit', async () => {
    server = await startServer();
    const invalid = await fetch(`${server.url}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(invalid.status).toBe(400);
    expect(await json(invalid)).toEqual({ error: { code: 'BAD_REQUEST', message: expect.any(String) } });
    const huge = await post(`${server.url}/auth/token`, { userId: 'alice', pad: 'x'.repeat(200_000) });
    expect(huge.status).toBe(413);
    expect(await json(huge)).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.any(String) } });
    // The server is fine afterwards.
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('answers 404 for an unknown route and 405 (with Allow) for a wrong method', async () => {
    server = await startServer();
    const res = await fetch(`${server.url}/nope`);
    expect(res.status).toBe(404);
    expect(await json(res)).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
    const wrong = await fetch(`${server.url}/auth/token`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST, OPTIONS');
    expect(await json(wrong)).toEqual({ error: { code: 'BAD_REQUEST', message: expect.any(String) } });
    expect((await fetch(`${server.url}/health`, { method: 'DELETE' })).status).toBe(405);
  });

  it('allows CORS from the default dev origins with credentials, and answers preflight', async () => {
    server = await startServer();
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:6006']) {
      const res = await fetch(`${server.url}/health`, { headers: { origin } });
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    }
    const foreign = await fetch(`${server.url}/health`, { headers: { origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${server.url}/api/notifications`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  it('takes CORS origins from clientUrl (CLIENT_URL)', async () => {
    // allowLoopbackOrigins: false is production's strict list (development also allows loopback origins).
    server = await startServer({ clientUrl: 'https://app.example.com, https://admin.example.com/', allowLoopbackOrigins: false });
    const res = await fetch(`${server.url}/health`, { headers: { origin: 'https://admin.example.com' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://admin.example.com');
    const vite = await fetch(`${server.url}/health`, { headers: { origin: 'http://localhost:5173' } });
    expect(vite.headers.get('access-control-allow-origin')).toBeNull();
    // The Socket.IO handshake applies the same list.
    const polling = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: 'https://app.example.com' } });
    expect(polling.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  });

  it('POST /dev/latency delays socket events; /dev/reset restores seed and latency', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    expect((await post(`${server.url}/dev/latency`, { ms: 500 })).status).toBe(200);
    const t0 = Date.now();
    await emitAck(alice, 'presence:list');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(490);
    await emitAck(alice, 'message:send', { conversationId: 'empty', content: 'temp', clientMessageId: 'r1' });
    expect((await post(`${server.url}/dev/reset`, {})).status).toBe(200);
    const t1 = Date.now();
    expect(await emitAck(alice, 'conversation:history', { conversationId: 'empty' })).toEqual({ ok: true, messages: [], hasMore: false });
    expect(Date.now() - t1).toBeLessThan(490);
    expect((await post(`${server.url}/dev/latency`, { ms: -5 })).status).toBe(400);
  });

  it('POST /dev/disconnect drops one user’s sockets, or everyone’s', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    const bob = await server.connect('bob');
    const aliceGone = once(alice, 'disconnect');
    expect((await post(`${server.url}/dev/disconnect`, { userId: 'alice' })).status).toBe(200);
    await aliceGone;
    expect(bob.connected).toBe(true);
    const bobGone = once(bob, 'disconnect');
    await post(`${server.url}/dev/disconnect`, {});
    await bobGone;
  });
});

describe('one set of operations behind the socket and HTTP', () => {
  it('too many participants is PAYLOAD_TOO_LARGE on both (413 over HTTP)', async () => {
    server = await startServer();
    const participantIds = Array.from({ length: 1000 }, (_, i) => `p${i}`);
    const res = await post(`${server.url}/api/conversations`, { participantIds }, auth(server.token('alice')));
    expect(res.status).toBe(413);
    expect(await json(res)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    const alice = await server.connect('alice');
    expect(await emitAck(alice, 'conversation:create', { participantIds })).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('a null title means no title on both', async () => {
    server = await startServer();
    const res = await post(`${server.url}/api/conversations`, { participantIds: ['bob'], title: null }, auth(server.token('alice')));
    expect((await json<{ conversation: Conversation }>(res)).conversation.title).toBeNull();
    const alice = await server.connect('alice');
    expect(await emitAck(alice, 'conversation:create', { participantIds: ['bob'], title: null })).toMatchObject({ ok: true, conversation: { title: null } });
  });

  it('MockServerOptions forwards the server options, path included', async () => {
    server = await startServer({ path: '/realtime' });
    const socket = await server.connect('alice', { path: '/realtime' });
    expect(socket.connected).toBe(true);
  });
});
