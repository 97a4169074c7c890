import { afterEach, describe, expect, it } from 'vitest';
import type { Ack, ConversationCreateResult, ConversationJoinResult } from 'socketkit/protocol';
import { startServer, type TestServer } from '../support/server.js';
import { emitAck } from '../support/wait.js';

let server: TestServer;
afterEach(async () => {
  await server?.cleanup();
});

describe('conversation:create', () => {
  it('creates a conversation with the creator always a participant', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    const ack = await emitAck<Ack<ConversationCreateResult>>(alice, 'conversation:create', {
      participantIds: ['bob', 'carol', 'bob'],
      title: '  Launch  ',
    });
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    const { conversation } = ack;
    expect(conversation.participantIds).toEqual(['alice', 'bob', 'carol']);
    expect(conversation.title).toBe('Launch');
    expect(typeof conversation.id).toBe('string');
    expect(Number.isNaN(Date.parse(conversation.createdAt))).toBe(false);
    // Bob can join it at once; erin cannot.
    const bob = await server.connect('bob');
    expect(await emitAck(bob, 'conversation:join', conversation.id)).toMatchObject({ ok: true, lastSeq: 0 });
    const erin = await server.connect('erin');
    expect(await emitAck(erin, 'conversation:join', conversation.id)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('has a null title when none is given', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    const ack = await emitAck<Ack<ConversationCreateResult>>(alice, 'conversation:create', { participantIds: [] });
    expect(ack).toMatchObject({ ok: true, conversation: { title: null, participantIds: ['alice'] } });
  });

  it('rejects a malformed create', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    for (const payload of [{}, { participantIds: 'bob' }, { participantIds: [1, 2] }, { participantIds: [''] }, null]) {
      expect(await emitAck(alice, 'conversation:create', payload)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    const longTitle = await emitAck(alice, 'conversation:create', { participantIds: [], title: 'x'.repeat(201) });
    expect(longTitle).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
  });
});

describe('conversation:join', () => {
  it('answers room, participants and lastSeq for a participant', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    const ack = await emitAck<Ack<ConversationJoinResult>>(alice, 'conversation:join', 'long-history');
    expect(ack).toEqual({
      ok: true,
      conversationId: 'long-history',
      room: 'conversation:long-history',
      participantIds: ['alice', 'bob'],
      lastSeq: 10_000,
    });
    const roomMembers = server.io.sockets.adapter.rooms.get('conversation:long-history');
    expect(roomMembers?.has(alice.id as string)).toBe(true);
  });

  it('refuses a non-participant: FORBIDDEN', async () => {
    server = await startServer();
    const erin = await server.connect('erin');
    const ack = await emitAck<Ack>(erin, 'conversation:join', 'alice-bob');
    expect(ack).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.any(String) } });
    expect(server.io.sockets.adapter.rooms.get('conversation:alice-bob')).toBeUndefined();
  });

  it('answers NOT_FOUND for an unknown conversation', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    expect(await emitAck(alice, 'conversation:join', 'nope')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('joining twice is harmless: one room membership, messages arrive once', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    const bob = await server.connect('bob');
    await emitAck(bob, 'conversation:join', 'alice-bob');
    expect(await emitAck(bob, 'conversation:join', 'alice-bob')).toMatchObject({ ok: true });
    let received = 0;
    bob.on('message:new', () => received++);
    await emitAck(alice, 'message:send', { conversationId: 'alice-bob', content: 'once', clientMessageId: 'j2' });
    await expect.poll(() => received).toBe(1);
    await emitAck(bob, 'conversation:leave', 'alice-bob');
    expect(server.io.sockets.adapter.rooms.get('conversation:alice-bob')).toBeUndefined();
  });

  it('accepts { conversationId } as well as the bare id', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    expect(await emitAck(alice, 'conversation:join', { conversationId: 'design' })).toMatchObject({ ok: true, conversationId: 'design' });
  });
});

describe('conversation:leave', () => {
  it('leaves the room: no more message:new', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    const bob = await server.connect('bob');
    await emitAck(bob, 'conversation:join', 'alice-bob');
    expect(await emitAck(bob, 'conversation:leave', 'alice-bob')).toEqual({ ok: true });
    expect(server.io.sockets.adapter.rooms.get('conversation:alice-bob')).toBeUndefined();
    let received = 0;
    bob.on('message:new', () => received++);
    await emitAck(alice, 'message:send', { conversationId: 'alice-bob', content: 'hi', clientMessageId: 'm1' });
    await emitAck(bob, 'presence:list');
    expect(received).toBe(0);
  });

  it('is idempotent', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    expect(await emitAck(alice, 'conversation:leave', 'general')).toEqual({ ok: true });
  });
});
