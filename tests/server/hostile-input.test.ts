import { afterEach, describe, expect, it } from 'vitest';
import type { Ack, ConnectionErrorPayload, Message } from 'socketkit/protocol';
import { startServer, type TestServer } from '../support/server.js';
import { collect, emitAck, once, waitFor } from '../support/wait.js';
import type { Socket } from 'socket.io-client';

let server: TestServer;
afterEach(async () => {
  await server?.cleanup();
});

const REQUESTS = [
  'presence:subscribe',
  'presence:unsubscribe',
  'presence:list',
  'conversation:create',
  'conversation:join',
  'conversation:leave',
  'message:send',
  'conversation:history',
  'typing:start',
  'typing:stop',
] as const;

function deeplyNested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 ? { conversationId: value } : [value];
  return value;
}

/** Proves the server still serves: bob sends in alice-bob and alice receives it. */
async function stillServes(s: TestServer): Promise<void> {
  const alice = await s.connect('alice');
  const bob = await s.connect('bob');
  await emitAck(alice, 'conversation:join', 'alice-bob');
  const incoming = once<Message>(alice, 'message:new');
  const ack = await emitAck<Ack>(bob, 'message:send', { conversationId: 'alice-bob', content: 'still here', clientMessageId: `ok-${Date.now()}` });
  expect(ack.ok).toBe(true);
  expect((await incoming).content).toBe('still here');
}

describe('hostile input', () => {
  it('answers wrong types, nulls, arrays and deep nesting with BAD_REQUEST on every request', async () => {
    server = await startServer({ rateLimit: false });
    const mallory = await server.connect('mallory');
    const payloads: unknown[] = [null, 42, true, 'x', [], [1, 2], { userIds: null }, { conversationId: 12 }, deeplyNested(2000)];
    for (const event of REQUESTS) {
      for (const payload of payloads) {
        // A bare string is a valid conversation id for join/leave; presence:list takes anything optional.
        if ((event === 'conversation:join' || event === 'conversation:leave') && payload === 'x') continue;
        const ack = await emitAck<Ack>(mallory, event, payload);
        // presence:list takes an optional object: null and objects with unknown keys are fine.
        if (event === 'presence:list' && (payload === null || (typeof payload === 'object' && !Array.isArray(payload)))) continue;
        expect(ack.ok, `${event} ${JSON.stringify(payload)?.slice(0, 40)}`).toBe(false);
        if (!ack.ok) expect(['BAD_REQUEST', 'NOT_FOUND', 'FORBIDDEN']).toContain(ack.error.code);
      }
    }
    await stillServes(server);
  });

  it('answers a failed request without ack by connection:error { code, message, event }', async () => {
    server = await startServer();
    const mallory = await server.connect('mallory');
    const error = once<ConnectionErrorPayload>(mallory, 'connection:error');
    mallory.emit('message:send', { conversationId: 42 });
    expect(await error).toMatchObject({ code: 'BAD_REQUEST', event: 'message:send', message: expect.any(String) });
  });

  it('answers an unknown event (with and without ack)', async () => {
    server = await startServer();
    const mallory = await server.connect('mallory');
    expect(await emitAck(mallory, 'admin:drop-tables', {})).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const error = once<ConnectionErrorPayload>(mallory, 'connection:error');
    mallory.emit('no:such-event', 1, 2, 3);
    expect(await error).toMatchObject({ code: 'BAD_REQUEST', event: 'no:such-event' });
  });

  it('refuses extra arguments and a non-function in the ack position', async () => {
    server = await startServer();
    const mallory = await server.connect('mallory');
    expect(await emitAck(mallory, 'conversation:join', 'general').then(() => 'ok')).toBe('ok');
    const extra = once<ConnectionErrorPayload>(mallory, 'connection:error');
    mallory.emit('conversation:join', 'general', 'not-a-callback');
    expect(await extra).toMatchObject({ code: 'BAD_REQUEST', event: 'conversation:join' });
    const withAck = await (mallory.timeout(2000) as unknown as { emitWithAck(...args: unknown[]): Promise<Ack> }).emitWithAck(
      'conversation:leave',
      'general',
      { extra: true },
    );
    expect(withAck).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('refuses oversized strings with PAYLOAD_TOO_LARGE', async () => {
    server = await startServer();
    const mallory = await server.connect('mallory');
    const big = 'x'.repeat(500_000);
    expect(await emitAck(mallory, 'message:send', { conversationId: 'general', content: big, clientMessageId: 'b1' })).toMatchObject({
      ok: false,
      error: { code: 'PAYLOAD_TOO_LARGE' },
    });
    expect(await emitAck(mallory, 'presence:subscribe', { userIds: [big] })).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    await stillServes(server);
  });

  it('drops a packet over 1 MB by closing only that socket', async () => {
    server = await startServer();
    const bystander = await server.connect('erin');
    const mallory = await server.connect('mallory');
    const gone = once<string>(mallory, 'disconnect', 5000);
    mallory.emit('message:send', { conversationId: 'general', content: 'x'.repeat(1_100_000), clientMessageId: 'huge' });
    expect(await gone).toMatch(/transport (close|error)/);
    expect(bystander.connected).toBe(true);
    await stillServes(server);
  });

  it('survives a flood from one socket and keeps serving everyone else', async () => {
    server = await startServer();
    const bystander = await server.connect('erin');
    const mallory = await server.connect('mallory');
    const errors = collect<ConnectionErrorPayload>(mallory, 'connection:error');
    for (let i = 0; i < 2000; i++) mallory.emit('message:send', { conversationId: 'general', content: `spam ${i}`, clientMessageId: `f${i}` });
    for (let i = 0; i < 500; i++) mallory.emit('garbage:event', { i });
    await waitFor(() => errors.events.some((e) => e.code === 'RATE_LIMITED'), { timeoutMs: 5000 });
    // The rate limit keeps a flood from being echoed back error by error.
    expect(errors.events.length).toBeLessThan(50);
    const stored = await emitAck<Ack<{ messages: Message[] }>>(bystander, 'conversation:history', { conversationId: 'general', afterSeq: 0, limit: 200 });
    expect(stored.ok && stored.messages.filter((m) => m.senderId === 'mallory')).toEqual([]);
    await stillServes(server);
  });

  it('handles binary payloads without crashing', async () => {
    server = await startServer();
    const mallory = await server.connect('mallory');
    const ack = await emitAck(mallory, 'message:send', { conversationId: 'general', content: new Uint8Array([1, 2, 3]), clientMessageId: 'bin' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    await stillServes(server);
  });
});

describe('rate limiting', () => {
  it('answers RATE_LIMITED with retryAfterMs once the bucket is empty, and lets the client in again after it', async () => {
    server = await startServer({ rateLimit: { burst: 3, perSecond: 5 } });
    const alice = await server.connect('alice');
    const acks: Ack[] = [];
    for (let i = 0; i < 4; i++) acks.push(await emitAck<Ack>(alice, 'presence:list'));
    expect(acks.slice(0, 3).every((a) => a.ok)).toBe(true);
    const limited = acks[3];
    expect(limited).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) } });
    const retryAfterMs = limited && !limited.ok ? (limited.error.retryAfterMs ?? 0) : 0;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(200);
    const retryAt = Date.now() + retryAfterMs;
    await waitFor(() => Date.now() >= retryAt, { timeoutMs: 1000 });
    expect(await emitAck(alice, 'presence:list')).toMatchObject({ ok: true });
  });

  it('tells a fire-and-forget sender by connection:error with retryAfterMs', async () => {
    server = await startServer({ rateLimit: { burst: 1, perSecond: 1 } });
    const alice = await server.connect('alice');
    const error = once<ConnectionErrorPayload>(alice, 'connection:error');
    alice.emit('typing:start', { conversationId: 'general' });
    alice.emit('typing:start', { conversationId: 'general' });
    expect(await error).toMatchObject({ code: 'RATE_LIMITED', event: 'typing:start', retryAfterMs: expect.any(Number) });
  });

  it('is per socket: one user’s flood does not limit another', async () => {
    server = await startServer({ rateLimit: { burst: 2, perSecond: 1 } });
    const a = await server.connect('alice');
    const b = await server.connect('bob');
    for (let i = 0; i < 3; i++) await emitAck(a, 'presence:list');
    expect(await emitAck(a, 'presence:list')).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(await emitAck(b, 'presence:list')).toMatchObject({ ok: true });
  });

  it('lets an ordinary client through by default: a burst of 30', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    const acks = await Promise.all(Array.from({ length: 30 }, () => emitAck<Ack>(alice, 'presence:list')));
    expect(acks.every((a) => a.ok)).toBe(true);
  });
});

describe('transports', () => {
  it('works over HTTP long-polling only', async () => {
    server = await startServer();
    const polling: Socket = await server.connect('alice', { transports: ['polling'] });
    expect(polling.io.engine.transport.name).toBe('polling');
    const bob = await server.connect('bob');
    await emitAck(polling, 'conversation:join', 'alice-bob');
    const incoming = once<Message>(polling, 'message:new');
    await emitAck(bob, 'message:send', { conversationId: 'alice-bob', content: 'over polling', clientMessageId: 'p1' });
    expect((await incoming).content).toBe('over polling');
    expect(await emitAck(polling, 'message:send', { conversationId: 'alice-bob', content: 'back', clientMessageId: 'p2' })).toMatchObject({ ok: true });
  });

  it('upgrades from polling to websocket with the default client transports', async () => {
    server = await startServer();
    const socket = await server.connect('alice', { transports: ['polling', 'websocket'] });
    await waitFor(() => socket.io.engine.transport.name === 'websocket', { timeoutMs: 3000 });
    expect(await emitAck(socket, 'presence:list')).toMatchObject({ ok: true });
  });
});
