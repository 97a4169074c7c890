import { afterEach, describe, expect, it } from 'vitest';
import { LIMITS, type UserTypingPayload } from 'socketkit/protocol';
import { startServer, type TestServer } from '../support/server.js';
import { TYPING_REANNOUNCE_MS } from 'socketkit/server/internal';
import { collect, emitAck, once, waitFor } from '../support/wait.js';

let server: TestServer;
afterEach(async () => {
  await server?.cleanup();
});

async function pair(options: Parameters<typeof startServer>[0] = {}) {
  server = await startServer(options);
  const alice = await server.connect('alice');
  const bob = await server.connect('bob');
  await emitAck(alice, 'conversation:join', 'alice-bob');
  await emitAck(bob, 'conversation:join', 'alice-bob');
  return { alice, bob };
}

describe('typing', () => {
  it('typing:start and typing:stop reach the room except the sender as user:typing', async () => {
    const { alice, bob } = await pair();
    const senderHeard = collect(alice, 'user:typing');
    const started = once<UserTypingPayload>(bob, 'user:typing');
    expect(await emitAck(alice, 'typing:start', { conversationId: 'alice-bob' })).toEqual({ ok: true });
    expect(await started).toEqual({ conversationId: 'alice-bob', userId: 'alice', isTyping: true });
    const stopped = once<UserTypingPayload>(bob, 'user:typing');
    expect(await emitAck(alice, 'typing:stop', { conversationId: 'alice-bob' })).toEqual({ ok: true });
    expect(await stopped).toEqual({ conversationId: 'alice-bob', userId: 'alice', isTyping: false });
    await emitAck(alice, 'presence:list');
    expect(senderHeard.events).toEqual([]);
  });

  it('repeated typing:start is one user:typing, not one per keystroke', async () => {
    const { alice, bob } = await pair();
    const heard = collect<UserTypingPayload>(bob, 'user:typing');
    for (let i = 0; i < 5; i++) await emitAck(alice, 'typing:start', { conversationId: 'alice-bob' });
    await waitFor(() => heard.events.length === 1);
    await emitAck(bob, 'presence:list');
    expect(heard.events).toHaveLength(1);
  });

  it('announces a repeated start again after a second, so a socket that joined late learns of it', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    const bob = await server.connect('bob');
    await emitAck(alice, 'conversation:join', 'alice-bob');
    await emitAck(alice, 'typing:start', { conversationId: 'alice-bob' });
    await emitAck(bob, 'conversation:join', 'alice-bob'); // bob arrives while alice is typing
    const heard = collect<UserTypingPayload>(bob, 'user:typing');
    // Time is the subject here: the server re-announces at most once a second.
    await new Promise((resolve) => setTimeout(resolve, TYPING_REANNOUNCE_MS + 50));
    await emitAck(alice, 'typing:start', { conversationId: 'alice-bob' });
    await waitFor(() => heard.events.length === 1);
    expect(heard.events).toEqual([{ conversationId: 'alice-bob', userId: 'alice', isTyping: true }]);
  });

  it('works without an ack callback (fire and forget)', async () => {
    const { alice, bob } = await pair();
    const started = once<UserTypingPayload>(bob, 'user:typing');
    alice.emit('typing:start', { conversationId: 'alice-bob' });
    expect((await started).isTyping).toBe(true);
  });

  it('ends by itself after the typing timeout without a new start', async () => {
    const { alice, bob } = await pair({ typingTimeoutMs: 150 });
    const heard = collect<UserTypingPayload>(bob, 'user:typing');
    const startedAt = Date.now();
    await emitAck(alice, 'typing:start', { conversationId: 'alice-bob' });
    await waitFor(() => heard.events.length === 2, { timeoutMs: 2000 });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(140);
    expect(heard.events.map((e) => e.isTyping)).toEqual([true, false]);
  });

  it(`expires after ${LIMITS.typingTimeoutMs} ms by default`, async () => {
    const { alice, bob } = await pair();
    const started = once(bob, 'user:typing');
    await emitAck(alice, 'typing:start', { conversationId: 'alice-bob' });
    await started;
    const t0 = Date.now();
    const stopped = await once<UserTypingPayload>(bob, 'user:typing', LIMITS.typingTimeoutMs + 2000);
    expect(stopped.isTyping).toBe(false);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(LIMITS.typingTimeoutMs - 200);
  }, 10_000);

  it('a new typing:start pushes the expiry back', async () => {
    const { alice, bob } = await pair({ typingTimeoutMs: 300 });
    const heard = collect<UserTypingPayload>(bob, 'user:typing');
    const t0 = Date.now();
    await emitAck(alice, 'typing:start', { conversationId: 'alice-bob' });
    await waitFor(() => Date.now() - t0 > 200, { timeoutMs: 1000 });
    await emitAck(alice, 'typing:start', { conversationId: 'alice-bob' });
    await waitFor(() => heard.events.length === 2, { timeoutMs: 2000 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(480);
  });

  it('ends on disconnect with isTyping: false', async () => {
    const { alice, bob } = await pair();
    const started = once(bob, 'user:typing');
    await emitAck(alice, 'typing:start', { conversationId: 'alice-bob' });
    await started;
    const stopped = once<UserTypingPayload>(bob, 'user:typing');
    alice.disconnect();
    expect(await stopped).toEqual({ conversationId: 'alice-bob', userId: 'alice', isTyping: false });
  });

  it('a sent message ends the sender’s typing state', async () => {
    const { alice, bob } = await pair();
    const heard = collect<UserTypingPayload>(bob, 'user:typing');
    await emitAck(alice, 'typing:start', { conversationId: 'alice-bob' });
    await emitAck(alice, 'message:send', { conversationId: 'alice-bob', content: 'done', clientMessageId: 't1' });
    await waitFor(() => heard.events.length === 2);
    expect(heard.events.map((e) => e.isTyping)).toEqual([true, false]);
  });

  it('leaving the conversation ends the typing state', async () => {
    const { alice, bob } = await pair();
    const started = once(bob, 'user:typing');
    await emitAck(alice, 'typing:start', { conversationId: 'alice-bob' });
    await started;
    const stopped = once<UserTypingPayload>(bob, 'user:typing');
    await emitAck(alice, 'conversation:leave', 'alice-bob');
    expect((await stopped).isTyping).toBe(false);
  });

  it('only participants may type: FORBIDDEN / NOT_FOUND', async () => {
    server = await startServer();
    const erin = await server.connect('erin');
    expect(await emitAck(erin, 'typing:start', { conversationId: 'alice-bob' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await emitAck(erin, 'typing:stop', { conversationId: 'alice-bob' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await emitAck(erin, 'typing:start', { conversationId: 'nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
