/**
 * Real faults between a socketkit client and the real server: the network cut
 * (TCP proxy), the server stopped and started again, an ack lost on the way.
 * Each test checks that no message is lost, none is duplicated and order is kept.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RealtimeClient } from 'socketkit';
import { startProxy, type TcpProxy } from '../support/proxy.js';
import { startServer, type TestServer } from '../support/server.js';
import { waitFor } from '../support/wait.js';
import { connected, disposeAll, joined, realClient, shown, status, stored } from './real-client.js';

const SEED = ['Hey Alice, do you have a minute?', 'Sure, what is up?', 'Can you review my pull request?'];
const ROOM = 'alice-bob';

let server: TestServer;
let proxy: TcpProxy | undefined;
beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  disposeAll();
  await proxy?.close();
  proxy = undefined;
  await server.cleanup();
});

/** What the server stored, what both clients show: the same list, in order, each message once. */
async function expectConsistent(expected: string[], ...clients: RealtimeClient[]) {
  for (const c of clients) {
    await waitFor(() => shown(c, ROOM).sentContents.length >= expected.length && shown(c, ROOM).allSent, {
      timeoutMs: 8000,
      message: `${c.connection.getSnapshot().userId} shows ${expected.length} messages`,
    });
    expect(shown(c, ROOM)).toMatchObject({ contents: expected, ordered: true, unique: true, allSent: true });
  }
  const socket = await server.connect('bob');
  expect((await stored(socket, ROOM)).map((m) => m.content)).toEqual(expected);
}

async function networkCut(transports: string[]) {
  proxy = await startProxy(server.port);
  const alice = realClient(server, 'alice', { url: proxy.url, socketOptions: { transports } });
  const bob = realClient(server, 'bob');
  await joined(alice, ROOM);
  await joined(bob, ROOM);
  await bob.conversation(ROOM).send('before the cut');
  await waitFor(() => shown(alice, ROOM).contents.includes('before the cut'));

  proxy.block();
  proxy.cut();
  await waitFor(() => status(alice) === 'reconnecting', { timeoutMs: 5000 });
  const aliceSends = ['a1', 'a2', 'a3'].map((t) => alice.conversation(ROOM).send(t));
  expect(alice.conversation(ROOM).getSnapshot().messages.slice(-3).map((m) => m.status)).toEqual(['sending', 'sending', 'sending']);
  for (const t of ['b1', 'b2', 'b3']) await bob.conversation(ROOM).send(t);
  // At least one attempt refused by the dead network before it comes back.
  await waitFor(() => alice.connection.getSnapshot().attempt >= 2, { timeoutMs: 5000 });
  expect(shown(alice, ROOM).contents).not.toContain('b1');

  proxy.restore();
  await connected(alice);
  const confirmed = await Promise.all(aliceSends);
  expect(confirmed.map((m) => m.status)).toEqual(['sent', 'sent', 'sent']);
  await expectConsistent([...SEED, 'before the cut', 'b1', 'b2', 'b3', 'a1', 'a2', 'a3'], alice, bob);
}

describe('faults', () => {
  it('network cut (websocket): both sides send during the outage; after it nothing is lost, duplicated or reordered', async () => {
    await networkCut(['websocket']);
  }, 20_000);

  it('network cut (HTTP long-polling): the same guarantees', async () => {
    await networkCut(['polling']);
  }, 20_000);

  it('server stopped and started again on the same port: rejoin, replay, catch up', async () => {
    const alice = realClient(server, 'alice');
    const bob = realClient(server, 'bob');
    await joined(alice, ROOM);
    await joined(bob, ROOM);
    const port = server.port;
    await server.close();
    await waitFor(() => status(alice) === 'reconnecting' && status(bob) === 'reconnecting');
    const aliceSends = ['queued 1', 'queued 2'].map((t) => alice.conversation(ROOM).send(t));
    await waitFor(() => alice.connection.getSnapshot().attempt >= 2);

    server = await startServer({ port });
    await connected(alice);
    await connected(bob);
    await Promise.all(aliceSends);
    await bob.conversation(ROOM).send('after restart');
    await expectConsistent([...SEED, 'queued 1', 'queued 2', 'after restart'], alice, bob);
    // Rooms and presence came back too: live delivery works both ways.
    await alice.conversation(ROOM).send('live again');
    await waitFor(() => shown(bob, ROOM).contents.at(-1) === 'live again');
  }, 20_000);

  it('an ack lost with the connection: the message is stored and shown once (joined sender)', async () => {
    proxy = await startProxy(server.port);
    const alice = realClient(server, 'alice', { url: proxy.url });
    const bob = realClient(server, 'bob');
    await joined(alice, ROOM);
    await joined(bob, ROOM);
    proxy.stall(); // the server's answers vanish
    const sending = alice.conversation(ROOM).send('exactly once');
    await waitFor(() => shown(bob, ROOM).contents.includes('exactly once'));
    expect(alice.conversation(ROOM).getSnapshot().messages.at(-1)?.status).toBe('sending');
    proxy.restore(); // cuts the stalled connection
    await expect(sending).resolves.toMatchObject({ status: 'sent', content: 'exactly once' });
    await expectConsistent([...SEED, 'exactly once'], alice, bob);
  }, 20_000);

  it('an ack lost with the connection: the replay with the same clientMessageId is not stored twice (sender not in the room)', async () => {
    proxy = await startProxy(server.port);
    const received: string[] = []; // every message:send the server got, replays included
    server.io.on('connection', (socket) => socket.on('message:send', (p: { clientMessageId: string }) => received.push(p.clientMessageId)));
    const alice = realClient(server, 'alice', { url: proxy.url });
    const bob = realClient(server, 'bob');
    await connected(alice);
    await joined(bob, ROOM);
    // Held by a subscriber (not joined): the retention rule keeps the handle, and its messages, while it is used.
    const stopReading = alice.conversation(ROOM).subscribe(() => {});
    proxy.stall();
    const sending = alice.conversation(ROOM).send('replayed');
    await waitFor(() => shown(bob, ROOM).contents.includes('replayed'));
    proxy.restore();
    const confirmed = await sending;
    expect(confirmed).toMatchObject({ status: 'sent', seq: 4 });
    expect(received).toEqual([confirmed.clientMessageId, confirmed.clientMessageId]);
    await alice.conversation(ROOM).send('next');
    await expectConsistent([...SEED, 'replayed', 'next'], bob);
    expect(alice.conversation(ROOM).getSnapshot().messages.map((m) => [m.content, m.seq])).toEqual([['replayed', 4], ['next', 5]]);
    stopReading();
  }, 20_000);

  it('twenty messages queued while offline are replayed in order, once each', async () => {
    proxy = await startProxy(server.port);
    const alice = realClient(server, 'alice', { url: proxy.url });
    const bob = realClient(server, 'bob');
    await joined(alice, ROOM);
    await joined(bob, ROOM);
    proxy.block();
    proxy.cut();
    await waitFor(() => status(alice) === 'reconnecting');
    const texts = Array.from({ length: 20 }, (_, i) => `queued ${i + 1}`);
    const sends = texts.map((t) => alice.conversation(ROOM).send(t));
    proxy.restore();
    await Promise.all(sends);
    await expectConsistent([...SEED, ...texts], alice, bob);
  }, 20_000);
});
