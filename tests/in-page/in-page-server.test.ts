/**
 * The in-page server (socketkit/mock-server/browser) with the unchanged core
 * client under jsdom: MSW intercepts the WebSocket, nothing listens on a port.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setupServer } from 'msw/node';
import { createRealtimeClient, type RealtimeClient } from 'socketkit';
import { createInPageServer } from 'socketkit/mock-server/browser';
import { waitFor } from '../support/wait';

const PING_INTERVAL_MS = 100;
const inPage = createInPageServer({ url: 'http://socketkit.test', pingIntervalMs: PING_INTERVAL_MS, pingTimeoutMs: 500 });
const msw = setupServer(...inPage.handlers);
const clients: RealtimeClient[] = [];

beforeAll(() => msw.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
  inPage.reset();
});
afterAll(() => {
  inPage.close();
  msw.close();
});

/** A core client signed in through the in-page server's `POST /auth/token`, as Storybook does. */
function connect(userId: string): RealtimeClient {
  const client = createRealtimeClient({
    url: inPage.url,
    getToken: async () => {
      const res = await fetch(`${inPage.url}/auth/token`, { method: 'POST', body: JSON.stringify({ userId }) });
      return ((await res.json()) as { token: string }).token;
    },
    socketOptions: inPage.socketOptions,
  });
  clients.push(client);
  return client;
}

const connected = (client: RealtimeClient) =>
  waitFor(() => client.connection.getSnapshot().status === 'connected', { timeoutMs: 5000, message: 'connected' });

describe('in-page server', () => {
  it('connects with no port, joins, acks a send, and delivers it to another user', async () => {
    const alice = connect('alice');
    const bob = connect('bob');
    await Promise.all([connected(alice), connected(bob)]);
    expect(alice.connection.getSnapshot().userId).toBe('alice');

    const aliceRoom = alice.conversation('alice-bob');
    const bobRoom = bob.conversation('alice-bob');
    await Promise.all([aliceRoom.join().joined, bobRoom.join().joined]);
    expect(aliceRoom.getSnapshot().participantIds).toEqual(['alice', 'bob']);

    const sent = await aliceRoom.send('hello from the page');
    expect(sent.status).toBe('sent');
    expect(sent.seq).toBeGreaterThan(0);
    const received = await waitFor(() => bobRoom.getSnapshot().messages.find((m) => m.content === 'hello from the page'), {
      timeoutMs: 5000,
    });
    expect(received.senderId).toBe('alice');
    expect(received.seq).toBe(sent.seq);
  });

  it('refuses a token it did not issue with the server auth error code', async () => {
    const client = createRealtimeClient({ url: inPage.url, token: 'not-a-token', socketOptions: inPage.socketOptions });
    clients.push(client);
    await waitFor(() => client.connection.getSnapshot().status === 'failed', { timeoutMs: 5000 });
    expect(client.connection.getSnapshot().error?.code).toBe('TOKEN_INVALID');
  });

  it('refuses a send to a conversation the user is not in, with FORBIDDEN', async () => {
    const erin = connect('erin');
    await connected(erin);
    await expect(erin.request('message:send', { conversationId: 'alice-bob', content: 'hi', clientMessageId: 'c-1' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('shows presence and typing of several users', async () => {
    const alice = connect('alice');
    await connected(alice);
    const release = alice.presence.watch(['bob', 'carol']);
    expect(alice.presence.isOnline('bob')).toBe(false);
    const bob = connect('bob');
    const carol = connect('carol');
    await waitFor(() => alice.presence.isOnline('bob') && alice.presence.isOnline('carol'), { timeoutMs: 5000, message: 'bob and carol online' });

    const aliceRoom = alice.conversation('design');
    await aliceRoom.join().joined;
    const carolRoom = carol.conversation('design');
    await carolRoom.join().joined;
    carolRoom.startTyping();
    await waitFor(() => aliceRoom.getSnapshot().typingUserIds.includes('carol'), { timeoutMs: 5000, message: 'carol typing' });

    bob.destroy();
    // The grace period (2 s by default) passes before user:offline.
    await waitFor(() => !alice.presence.isOnline('bob'), { timeoutMs: 5000, message: 'bob offline' });
    release();
  });

  it('keeps the connection through several heartbeats (ping/pong at the negotiated interval)', async () => {
    const alice = connect('alice');
    await connected(alice);
    let drops = 0;
    const off = alice.onLifecycle('disconnected', () => {
      drops += 1;
    });
    const before = inPage.heartbeats;
    // Five heartbeats at 100 ms, with a 500 ms ping timeout: a transport that missed them would have dropped.
    await waitFor(() => inPage.heartbeats >= before + 5, { timeoutMs: 5000, message: 'five heartbeats' });
    expect(drops).toBe(0);
    expect(alice.connection.getSnapshot().status).toBe('connected');
    off();
  });

  it('runs the dev actions: disconnect a user (the core reconnects) and reset', async () => {
    const alice = connect('alice');
    await connected(alice);
    let reconnected = 0;
    const off = alice.onLifecycle('reconnected', () => {
      reconnected += 1;
    });
    const res = await fetch(`${inPage.url}/dev/disconnect`, { method: 'POST', body: JSON.stringify({ userId: 'alice' }) });
    expect(res.status).toBe(200);
    await waitFor(() => reconnected === 1, { timeoutMs: 10_000, message: 'reconnected' });
    off();

    const latency = await fetch(`${inPage.url}/dev/latency`, { method: 'POST', body: JSON.stringify({ ms: -1 }) });
    expect(latency.status).toBe(400);
  });
});
