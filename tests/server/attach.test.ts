import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { Server } from 'socket.io';
import { io as connectClient, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Ack } from 'socketkit/protocol';
import { createMemoryStore, createSocketkitServer, initializeChatSocket, type LogFields, type SocketkitLogger, type SocketkitServer, type SocketkitStore } from 'socketkit/server';
import { emitAck, once } from '../support/wait.js';

const SECRET = 'attach-secret';
const opened: { http: HttpServer; socketkit: SocketkitServer; clients: Socket[] }[] = [];

afterEach(async () => {
  for (const { http, socketkit, clients } of opened.splice(0)) {
    for (const c of clients) c.disconnect();
    await socketkit.close();
    http.closeAllConnections();
    if (http.listening) await new Promise((resolve) => http.close(resolve));
  }
});

async function listen(http: HttpServer): Promise<string> {
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

async function client(url: string, userId: string, entry: { clients: Socket[] }): Promise<Socket> {
  const socket = connectClient(url, {
    auth: { token: jwt.sign({ userId }, SECRET, { expiresIn: 60 }) },
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
  });
  entry.clients.push(socket);
  await once(socket, 'connection:established', 3000);
  return socket;
}

/** A logger call as one line, laid out as `consoleLogger` does: the message, then the fields as ` key=value`. */
function line(first: string | LogFields, message?: unknown): string {
  if (typeof first === 'string') return first;
  const fields = Object.entries(first).filter(([key, value]) => key !== 'err' && value !== undefined);
  return `${String(message)}${fields.map(([key, value]) => ` ${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`).join('')}`;
}

function capture(): SocketkitLogger & { lines: string[]; debugLines: LogFields[] } {
  const lines: string[] = [];
  const debugLines: LogFields[] = [];
  const push = (first: string | LogFields, message?: unknown) => void lines.push(line(first, message));
  return { lines, debugLines, info: push, warn: push, error: push, debug: (fields, message) => void debugLines.push({ ...fields, message }) };
}

describe('createSocketkitServer', () => {
  it('attaches to an existing Socket.IO Server; the app’s own events keep working', async () => {
    const http = createServer();
    const io = new Server(http);
    const socketkit = createSocketkitServer(io, { secret: SECRET, quiet: true, store: createMemoryStore() });
    io.on('connection', (socket) => {
      socket.on('app:echo', (payload: unknown, ack: (v: unknown) => void) => ack({ echoed: payload, userId: socket.data.userId }));
    });
    const entry = { http, socketkit, clients: [] as Socket[] };
    opened.push(entry);
    const url = await listen(http);
    const alice = await client(url, 'alice', entry);
    expect(await emitAck(alice, 'app:echo', 'hi')).toEqual({ echoed: 'hi', userId: 'alice' });
    expect(await emitAck(alice, 'presence:list')).toMatchObject({ ok: true, users: [{ userId: 'alice' }] });
    expect(await emitAck(alice, 'app:unknown', 1)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(socketkit.getActiveUserIds()).toEqual(['alice']);
  });

  it('answers INTERNAL when the store fails, logs it, and keeps serving', async () => {
    const http = createServer();
    const memory = createMemoryStore({ users: [], conversations: [{ id: 'c', participantIds: ['alice', 'bob'] }] });
    const store: SocketkitStore = { ...memory, appendMessage: () => Promise.reject(new Error('database is down')) };
    const logger = capture();
    const socketkit = initializeChatSocket(http, { secret: SECRET, store, logger });
    const entry = { http, socketkit, clients: [] as Socket[] };
    opened.push(entry);
    const url = await listen(http);
    const alice = await client(url, 'alice', entry);
    const ack = await emitAck<Ack>(alice, 'message:send', { conversationId: 'c', content: 'x', clientMessageId: 'm' });
    expect(ack).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'Internal server error' } });
    expect(logger.lines.some((l) => l.startsWith('request failed userId=alice') && l.includes(' event=message:send'))).toBe(true);
    expect(await emitAck(alice, 'conversation:history', { conversationId: 'c' })).toMatchObject({ ok: true, messages: [] });
  });

  it('logs connect, join, reject (with the reason) and disconnect; quiet logs nothing', async () => {
    const http = createServer();
    const logger = capture();
    const store = createMemoryStore({ users: [], conversations: [{ id: 'c', participantIds: ['alice'] }] });
    const socketkit = createSocketkitServer(http, { secret: SECRET, store, logger });
    const entry = { http, socketkit, clients: [] as Socket[] };
    opened.push(entry);
    const url = await listen(http);
    const alice = await client(url, 'alice', entry);
    await emitAck(alice, 'conversation:join', 'c');
    const refused = connectClient(url, { auth: { token: 'bad' }, transports: ['websocket'], forceNew: true, reconnection: false });
    entry.clients.push(refused);
    await once(refused, 'connect_error');
    const gone = once(alice, 'disconnect');
    alice.disconnect();
    await gone;
    // The ids are fields (pino's convention), not words of the message.
    await expect.poll(() => logger.lines.some((l) => l.startsWith('disconnect userId=alice socketId='))).toBe(true);
    expect(logger.lines.find((l) => l.startsWith('connect userId=alice socketId='))).toMatch(/ transport=websocket$/);
    expect(logger.lines).toContainEqual(expect.stringMatching(/^join userId=alice socketId=\S+ conversationId=c$/));
    expect(logger.lines.find((l) => l.startsWith('reject'))).toMatch(/ code=TOKEN_INVALID /);
    // Without the `debug` option the logger's `debug` is never called.
    expect(logger.debugLines).toEqual([]);

    const quietHttp = createServer();
    const quiet = createSocketkitServer(quietHttp, { secret: SECRET, quiet: true, logger });
    const quietEntry = { http: quietHttp, socketkit: quiet, clients: [] as Socket[] };
    opened.push(quietEntry);
    const before = logger.lines.length;
    await client(await listen(quietHttp), 'bob', quietEntry);
    expect(logger.lines.length).toBe(before);
  });

  it('debug: each request logs its ack with the round trip, a refusal its code, with userId/socketId/event as fields', async () => {
    const http = createServer();
    const logger = capture();
    const store = createMemoryStore({ users: [], conversations: [{ id: 'c', participantIds: ['alice'] }] });
    const socketkit = createSocketkitServer(http, { secret: SECRET, store, logger, debug: true });
    const entry = { http, socketkit, clients: [] as Socket[] };
    opened.push(entry);
    const alice = await client(await listen(http), 'alice', entry);
    await emitAck(alice, 'conversation:join', 'c');
    await emitAck(alice, 'conversation:join', 'nowhere');
    const [ack, refused] = logger.debugLines;
    expect(ack).toMatchObject({ message: 'ack', userId: 'alice', socketId: alice.id, event: 'conversation:join' });
    expect(ack!.ms).toBeGreaterThanOrEqual(0);
    expect(refused).toMatchObject({ message: 'refused', userId: 'alice', socketId: alice.id, event: 'conversation:join', code: 'NOT_FOUND' });
    expect(logger.debugLines).toHaveLength(2);
  });

  it('sendToUser and isUserOnline accept numeric ids', async () => {
    const http = createServer();
    const socketkit = createSocketkitServer(http, { secret: SECRET, quiet: true, presenceGraceMs: 0 });
    const entry = { http, socketkit, clients: [] as Socket[] };
    opened.push(entry);
    const url = await listen(http);
    const six = await client(url, '6', entry);
    expect(socketkit.isUserOnline(6)).toBe(true);
    const got = once(six, 'ping:custom');
    expect(socketkit.sendToUser(6, 'ping:custom', { n: 1 })).toBe(1);
    expect(await got).toEqual({ n: 1 });
  });
});
