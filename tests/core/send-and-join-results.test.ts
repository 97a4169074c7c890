import { afterEach, describe, expect, it } from 'vitest';
import type { RealtimeClient } from 'socketkit';
import { fakeClient, flush, type FakeSocket } from './fake-socket.js';

let client: RealtimeClient | undefined;
afterEach(() => client?.destroy());

async function connected() {
  const made = fakeClient();
  client = made.client;
  made.client.connect();
  await flush();
  made.socket.accept('me');
  return made;
}
const answerJoin = (socket: FakeSocket) => socket.reply('conversation:join', { ok: true, conversationId: 'c1', room: 'conversation:c1', participantIds: ['me'], lastSeq: 0 });

describe('send() says what the client knows', () => {
  it('sending when connected, queued when not, refused with the reason when it never became a message', async () => {
    const { client, socket } = await connected();
    const room = client.conversation('c1');
    const sent = room.send('hi');
    expect(sent).toMatchObject({ status: 'sending', error: null });
    expect(room.getSnapshot().messages.at(-1)?.clientMessageId).toBe(sent.clientMessageId);
    socket.drop();
    const queued = room.send('later');
    expect(queued).toMatchObject({ status: 'queued', error: null });
    const empty = room.send('  ');
    expect(empty).toMatchObject({ status: 'refused', clientMessageId: null, error: { code: 'BAD_REQUEST' } });
    await expect(empty).rejects.toBe(empty.error);
    const unknown = room.retry('nope');
    expect(unknown).toMatchObject({ status: 'refused', clientMessageId: 'nope', error: { code: 'NOT_FOUND' } });
    expect(room.getSnapshot().messages.map((m) => m.content)).toEqual(['hi', 'later']);
  });

  it('refused with OUTBOX_FULL past outbox.maxSize, synchronously', () => {
    const made = fakeClient({ outbox: { maxSize: 1 } });
    client = made.client;
    const room = made.client.conversation('c1');
    expect(room.send('one').status).toBe('queued');
    const full = room.send('two');
    expect(full.status).toBe('refused');
    expect(full.error?.code).toBe('OUTBOX_FULL');
  });
});

describe('join() can be awaited', () => {
  it('joined resolves once joined; a second join of a joined conversation resolves at once', async () => {
    const { client, socket } = await connected();
    const join = client.conversation('c1').join();
    await flush();
    answerJoin(socket);
    await flush();
    socket.reply('conversation:history', { ok: true, messages: [], hasMore: false });
    await expect(join.joined).resolves.toBeUndefined();
    await expect(client.conversation('c1').join().joined).resolves.toBeUndefined();
  });

  it('joined rejects with the refusal, with DISCONNECTED when released first, with DESTROYED when the client is destroyed', async () => {
    const { client, socket } = await connected();
    const refused = client.conversation('c1').join();
    await flush();
    socket.reply('conversation:join', { ok: false, error: { code: 'FORBIDDEN', message: 'not a participant' } });
    await expect(refused.joined).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(client.conversation('c1').join().joined).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const released = client.conversation('c2').join();
    released.release();
    await expect(released.joined).rejects.toMatchObject({ code: 'DISCONNECTED' });
    const pending = client.conversation('c3').join();
    client.destroy();
    await expect(pending.joined).rejects.toMatchObject({ code: 'DESTROYED' });
  });
});
