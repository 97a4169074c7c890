/**
 * Issue 9 #4 (server part): one bad element of an id list fails only itself.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { emitAck, once } from '../support/wait.js';

let server: TestServer;
afterEach(async () => {
  await server.cleanup();
});

describe('presence:subscribe with some invalid ids', () => {
  it('subscribes the valid ids (a number as its string) and reports each invalid element', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    await server.connect('carol');
    const ack = await emitAck(alice, 'presence:subscribe', { userIds: ['carol', '', 42, null, { id: 'x' }] });
    expect(ack).toEqual({
      ok: true,
      users: [expect.objectContaining({ userId: 'carol', online: true }), expect.objectContaining({ userId: '42', online: false })],
      // Each by index and type; a scalar is echoed (a string cut to 128), an object never (issue 24 #1).
      invalid: [
        { index: 1, type: 'string', userId: '', message: expect.any(String) },
        { index: 3, type: 'null', userId: null, message: expect.any(String) },
        { index: 4, type: 'object', message: expect.any(String) },
      ],
    });
    // The valid ones really are watched: user 42 coming online reaches alice.
    const online = once<{ userId: string }>(alice, 'user:online');
    await server.connect('42');
    expect((await online).userId).toBe('42');
  });

  it('answers without `invalid` when every id is valid, and unsubscribe skips invalid elements too', async () => {
    server = await startServer();
    const alice = await server.connect('alice');
    expect(await emitAck(alice, 'presence:subscribe', { userIds: ['bob'] })).not.toHaveProperty('invalid');
    expect(await emitAck(alice, 'presence:unsubscribe', { userIds: ['bob', ''] })).toEqual({ ok: true });
  });
});
