import { afterEach, describe, expect, it } from 'vitest';
import type { Ack, ConnectionErrorPayload, Message } from 'socketkit/protocol';
import { startServer, type TestServer } from '../support/server.js';
import { collect, emitAck, once, waitFor } from '../support/wait.js';

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
    // Names that mean something to an EventEmitter or to JavaScript objects.
    for (const name of ['error', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(await emitAck(mallory, name, { x: 1 }), name).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    await stillServes(server);
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

  it('a malformed field outranks an oversized one: BAD_REQUEST naming the malformed field', async () => {
    server = await startServer();
    const mallory = await server.connect('mallory');
    const ack = await emitAck<Ack>(mallory, 'message:send', { conversationId: 42, content: 'x'.repeat(5000), clientMessageId: 'b2' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    if (!ack.ok) expect(ack.error.message).toContain('conversationId');
    const tooLong = await emitAck<Ack>(mallory, 'message:send', { conversationId: 'general', content: 'x'.repeat(5000), clientMessageId: 'b3' });
    expect(tooLong).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    if (!tooLong.ok) expect(tooLong.error.message).toContain('content');
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
    const startedAt = Date.now();
    for (let i = 0; i < 2000; i++) mallory.emit('message:send', { conversationId: 'general', content: `spam ${i}`, clientMessageId: `f${i}` });
    for (let i = 0; i < 500; i++) mallory.emit('garbage:event', { i });
    await waitFor(() => errors.events.some((e) => e.code === 'RATE_LIMITED'), { timeoutMs: 5000 });
    const stored = await emitAck<Ack<{ messages: Message[] }>>(bystander, 'conversation:history', { conversationId: 'general', afterSeq: 0, limit: 200 });
    expect(stored.ok && stored.messages.filter((m) => m.senderId === 'mallory')).toEqual([]);
    await stillServes(server);
    // The flood is not echoed back error by error: at most one RATE_LIMITED
    // notice a second, and other errors only for what the bucket let through.
    const elapsedS = (Date.now() - startedAt) / 1000;
    const notices = errors.events.filter((e) => e.code === 'RATE_LIMITED').length;
    expect(notices).toBeLessThanOrEqual(Math.ceil(elapsedS) + 1);
    expect(errors.events.length - notices).toBeLessThanOrEqual(30 + Math.ceil(elapsedS * 10));
    expect(errors.events.length).toBeLessThan(2500);
  });

  it('handles binary payloads without crashing', async () => {
    server = await startServer();
    const mallory = await server.connect('mallory');
    const ack = await emitAck(mallory, 'message:send', { conversationId: 'general', content: new Uint8Array([1, 2, 3]), clientMessageId: 'bin' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    await stillServes(server);
  });
});
