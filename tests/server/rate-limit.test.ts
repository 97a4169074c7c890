import { afterEach, describe, expect, it } from 'vitest';
import type { Ack, ConnectionErrorPayload } from 'socketkit/protocol';
import { startServer, type TestServer } from '../support/server.js';
import { emitAck, once, waitFor } from '../support/wait.js';

let server: TestServer;
afterEach(async () => {
  await server?.cleanup();
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
