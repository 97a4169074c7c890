/**
 * The inbox on `socketkit-server` as an operator runs it (its own process):
 * the user REST reads with a user's Bearer token, the server API's
 * notifications route, no `POST /api/notifications`, and read cursors,
 * unread counts and notifications that survive a SIGKILL and a restart, on
 * the embedded store and on PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type {
  Ack,
  ConversationListResult,
  ConversationReadResult,
  NotificationListResult,
  NotificationResponse,
  StoredNotification,
} from 'socketkit/protocol';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { killServerClis, runServerCli } from '../support/server-cli.js';
import { emitAck, once } from '../support/wait.js';

// The CLI wants a secret of at least 32 bytes (issue 24); tokens carry an exp (expiresIn).
const SECRET = 'inbox-secret-of-at-least-32-bytes-long';
const API_KEY = 'inbox-api-key';
const dirs: string[] = [];
const sockets: Socket[] = [];
let postgres: TestPostgres | undefined;

beforeAll(async () => {
  postgres = await startPostgres();
}, 120_000);
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  killServerClis();
});
afterAll(async () => {
  await postgres?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const token = (userId: string) => jwt.sign({ userId }, SECRET, { expiresIn: 600 });

async function connect(url: string, userId: string): Promise<Socket> {
  const socket = io(url, { auth: { token: token(userId), protocol: '1.2' }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(socket);
  await once(socket, 'connection:established', 10_000);
  return socket;
}

/** A JSON request; `auth` is a user id (Bearer user JWT) or `api` (Bearer API key). */
async function call<T>(url: string, method: string, path: string, auth: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${auth === 'api' ? API_KEY : token(auth)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

const STORAGES = [
  {
    name: 'embedded store',
    args: () => {
      const dir = mkdtempSync(join(tmpdir(), 'socketkit-inbox-'));
      dirs.push(dir);
      return Promise.resolve(['--data-dir', dir]);
    },
  },
  { name: 'PostgreSQL', args: async () => ['--database-url', await postgres!.createDatabase()] },
];

describe.each(STORAGES)('socketkit-server inbox on the $name', (storage) => {
  it('serves the user REST reads and the notifications route; cursors, unread counts and notifications survive SIGKILL + restart', async () => {
    const args = ['--port', '0', '--host', '127.0.0.1', '--secret', SECRET, '--api-key', API_KEY, ...(await storage.args())];
    let cli = runServerCli(args);
    let url = await cli.listening();

    const created = await call<{ conversation: { id: string } }>(url, 'POST', '/server/conversations', 'api', { createdBy: 'bob', participantIds: ['alice'], title: 'Plans' });
    expect(created.status).toBe(201);
    const conversationId = created.body.conversation.id;
    for (let i = 1; i <= 3; i++) {
      const posted = await call(url, 'POST', `/server/conversations/${conversationId}/messages`, 'api', { senderId: 'bob', content: `m${i}`, clientMessageId: `c${i}` });
      expect(posted.status).toBe(201);
    }

    // Two devices of alice: a read over HTTP reaches both as conversation:read-state.
    const phone = await connect(url, 'alice');
    const laptop = await connect(url, 'alice');
    const states = [once<ConversationReadResult>(phone, 'conversation:read-state', 1000), once<ConversationReadResult>(laptop, 'conversation:read-state', 1000)];
    const read = await call<ConversationReadResult>(url, 'POST', `/api/conversations/${conversationId}/read`, 'alice', { seq: 2 });
    expect(read).toEqual({ status: 200, body: { conversationId, lastReadSeq: 2, unreadCount: 1 } });
    expect(await Promise.all(states)).toEqual([read.body, read.body]);
    expect((await call(url, 'POST', `/api/conversations/${conversationId}/read`, 'alice', { seq: -1 })).status).toBe(400);
    expect((await call(url, 'POST', `/api/conversations/${conversationId}/read`, 'carol', { seq: 1 })).status).toBe(403);
    expect((await call(url, 'POST', '/api/conversations/nope/read', 'alice', { seq: 1 })).status).toBe(404);

    // Notifications: stored and delivered to both tabs; one for carol, who is offline.
    const delivered = [once<StoredNotification>(phone, 'notification:new', 5000), once<StoredNotification>(laptop, 'notification:new', 5000)];
    const sent = await call<NotificationResponse>(url, 'POST', '/server/users/alice/notifications', 'api', { title: 'Review', body: 'PR #42', link: '/prs/42', data: { pr: 42 } });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ delivered: 2, notification: { title: 'Review', body: 'PR #42', link: '/prs/42', data: { pr: 42 }, readAt: null } });
    expect(await Promise.all(delivered)).toEqual([sent.body.notification, sent.body.notification]);
    const second = await call<NotificationResponse>(url, 'POST', '/server/users/alice/notifications', 'api', { title: 'Deploy', body: 'done' });
    const forCarol = await call<NotificationResponse>(url, 'POST', '/server/users/carol/notifications', 'api', { title: 'Welcome', body: 'hi' });
    expect(forCarol.body.delivered).toBe(0);
    expect((await call(url, 'POST', '/server/users/alice/notifications', 'api', { title: '', body: 'x' })).status).toBe(400);
    expect((await call(url, 'POST', '/server/users/alice/notifications', 'api', { title: 't'.repeat(201), body: 'x' })).status).toBe(413);
    expect((await call(url, 'POST', '/server/users/alice/notifications', 'alice', { title: 't', body: 'x' })).status).toBe(401);
    // A user cannot send notifications to another user here.
    expect((await call(url, 'POST', '/api/notifications', 'alice', { userId: 'bob', title: 't', body: 'x' })).status).toBe(404);
    const readNotification = await call(url, 'POST', '/api/notifications/read', 'alice', { ids: [second.body.notification.id] });
    expect(readNotification).toEqual({ status: 200, body: { unreadCount: 1 } });

    const list = await call<ConversationListResult>(url, 'GET', '/api/conversations?limit=10', 'alice');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ hasMore: false, conversations: [{ id: conversationId, title: 'Plans', lastSeq: 3, lastReadSeq: 2, unreadCount: 1, lastMessage: { content: 'm3' } }] });
    const bobList = await call<ConversationListResult>(url, 'GET', '/api/conversations', 'bob');
    // The server API's senderId is bob's send: his own messages are read.
    expect(bobList.body.conversations[0]).toMatchObject({ lastReadSeq: 3, unreadCount: 0 });
    const notifications = await call<NotificationListResult>(url, 'GET', '/api/notifications', 'alice');
    expect(notifications.body).toMatchObject({ unreadCount: 1, hasMore: false });
    expect(notifications.body.notifications.map((n) => n.title)).toEqual(['Deploy', 'Review']);
    const messages = await call<{ messages: { content: string }[] }>(url, 'GET', `/api/conversations/${conversationId}/messages?limit=2`, 'alice');
    expect(messages.body.messages.map((m) => m.content)).toEqual(['m2', 'm3']);
    const users = await call<{ users: { id: string; online: boolean }[] }>(url, 'GET', '/api/users', 'alice');
    expect(users.body.users.find((u) => u.id === 'alice')).toMatchObject({ online: true });
    expect((await call(url, 'GET', '/api/conversations?limit=500', 'alice')).status).toBe(400);
    expect((await fetch(`${url}/api/conversations`)).status).toBe(401);

    // SIGKILL: no shutdown at all. Then the same storage again.
    cli.child.kill('SIGKILL');
    await cli.exited;
    for (const socket of sockets.splice(0)) socket.disconnect();
    cli = runServerCli(args);
    url = await cli.listening();

    const after = await call<ConversationListResult>(url, 'GET', '/api/conversations?limit=10', 'alice');
    expect(after.body).toEqual(list.body);
    const notificationsAfter = await call<NotificationListResult>(url, 'GET', '/api/notifications', 'alice');
    expect(notificationsAfter.body).toEqual(notifications.body);
    // Carol was offline when notified: her inbox has it when she connects.
    const carol = await connect(url, 'carol');
    const carolList = await emitAck<Ack<NotificationListResult>>(carol, 'notification:list', {}, 5000);
    expect(carolList).toEqual({ ok: true, notifications: [forCarol.body.notification], unreadCount: 1, hasMore: false });
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  }, 180_000);
});
