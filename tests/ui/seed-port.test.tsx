/**
 * Issue 20, point 4: the seed design's own server and client code
 * (/work/shared/seed/task-7.9-socketio-infrastructure.md), ported with the
 * steps of docs/migrating.md and nothing else:
 *   1. imports swapped (`./server/socket/chatSocket.js` → `socketkit/server`,
 *      `@/lib/socket/chatClient` → `socketkit/compat`);
 *   2. the store seeded with the app's users and conversations (numeric ids as the seed had them);
 *   3. `new ChatClient({ url })` where the seed's singleton guessed the URL;
 *   4. the seed backend's own `message:new` broadcast replaced by `postMessage` (refused loudly otherwise).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { RealtimeProvider } from 'socketkit/react';
import { NotificationToaster, SocketkitUIProvider } from 'socketkit/ui';
// Step 1: the seed's imports, swapped.
import {
  broadcastToConversation,
  createMemoryStore,
  getActiveUserIds,
  initializeChatSocket,
  isUserOnline,
  sendToUser,
  type ChatSocketServer,
  type SocketkitLogger,
} from 'socketkit/server';
import { ChatClient } from 'socketkit/compat';

const warnings: string[] = [];
/** Expected refusals are logged here, not on the console (the test's output stays quiet). */
const line = (first: unknown, message?: unknown) => (typeof first === 'string' ? first : String(message));
const logger: SocketkitLogger = {
  info() {},
  warn: (first: unknown, message?: unknown) => void warnings.push(line(first, message)),
  error: (first: unknown, message?: unknown) => void warnings.push(line(first, message)),
};

let server: http.Server;
let chatIO: ChatSocketServer;
let url: string;
const clients: ChatClient[] = [];

beforeEach(async () => {
  process.env.JWT_SECRET = 'seed-port-secret';
  // The seed's server.js: the app (its Express app; routes are not the subject here), its http server, then the socket server.
  const app: http.RequestListener = (_request, response) => void response.writeHead(404).end();
  server = http.createServer(app);
  // Step 2: seeded with the app's data; ids are numbers, as in the seed's database.
  const store = createMemoryStore({
    users: [
      { id: 6, name: 'Six' },
      { id: 7, name: 'Seven' },
    ],
    conversations: [{ id: 42, participantIds: [6, 7] }],
  });
  chatIO = initializeChatSocket(server, { store, logger });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  cleanup();
  for (const client of clients.splice(0)) client.disconnect();
  await chatIO.close();
  delete process.env.JWT_SECRET;
  warnings.length = 0;
});

/** The seed's login route signs `{ userId }` with `JWT_SECRET`; its client connects with it. */
function signIn(userId: number): ChatClient {
  // Step 5: the token has a lifetime.
  const token = jwt.sign({ userId }, process.env.JWT_SECRET!, { expiresIn: '1h' });
  const chatClient = new ChatClient({ url }); // step 3
  clients.push(chatClient);
  chatClient.connect(token);
  return chatClient;
}

describe("the seed's code on socketkit", () => {
  it('presence helpers, joins with numeric ids, messages and notifications as the seed wrote them', async () => {
    expect(getActiveUserIds()).toEqual([]);
    expect(isUserOnline(6)).toBe(false);
    const six = signIn(6);
    const seven = signIn(7);
    await waitFor(() => expect(isUserOnline(6) && isUserOnline(7)).toBe(true), { timeout: 5000 });
    expect(getActiveUserIds()).toEqual(['6', '7']);

    // The seed's "Feature Integration Example (Chat)", for both users.
    const conversationId = 42;
    const messages: unknown[] = [];
    const setMessages = (update: (prev: unknown[]) => unknown[]) => {
      const next = update(messages);
      messages.length = 0;
      for (const message of next) messages.push(message);
    };
    await six.joinConversation(conversationId);
    await seven.joinConversation(conversationId);
    seven.on('message:new', (message) => {
      setMessages((prev) => [...prev, message]);
    });
    await six.sendMessage({
      conversationId,
      content: 'Hello!',
    });
    await waitFor(() => expect(messages).toEqual([expect.objectContaining({ content: 'Hello!', senderId: '6', conversationId: '42' })]));

    // The seed backend's own broadcast of a message it stored: refused, saying what to call.
    const stored = { id: 123, conversationId, senderId: 6, content: 'From the REST route' };
    expect(() => broadcastToConversation(chatIO, conversationId, 'message:new', stored, 6)).toThrow(/postMessage/);
    expect(() => sendToUser(chatIO, 7, 'message:new', stored)).toThrow(/postMessage/);
    // Step 4: what the route calls instead; it reaches the client, stored (seq) like any message.
    await chatIO.postMessage({ conversationId: '42', senderId: '6', content: 'From the REST route', clientMessageId: 'rest-123' });
    await waitFor(() => expect(messages).toHaveLength(2));
    expect(messages[1]).toEqual(expect.objectContaining({ content: 'From the REST route', seq: 2 }));
    // Other events still go through the seed's helpers (excluding the sender, as the seed did).
    const typing: unknown[] = [];
    seven.on('custom:ping', (payload) => void typing.push(payload));
    broadcastToConversation(chatIO, conversationId, 'custom:ping', { n: 1 }, 6);
    await waitFor(() => expect(typing).toEqual([{ n: 1 }]));

    // The seed's "Future: Notification System", rendered by the UI kit's toaster.
    const consoleError = vi.spyOn(console, 'error');
    const notifications: unknown[] = [];
    seven.on('notification:new', (notification) => {
      notifications.push(notification);
    });
    render(
      <RealtimeProvider client={seven.client!}>
        <SocketkitUIProvider>
          <NotificationToaster durationMs={0} />
        </SocketkitUIProvider>
      </RealtimeProvider>,
    );
    const userId = 7;
    const io = chatIO;
    sendToUser(io, userId, 'notification:new', {
      title: 'New match found!',
      message: 'Someone wants to connect',
      link: '/dashboard',
    });
    const toast = await screen.findByText('Someone wants to connect', {}, { timeout: 5000 });
    expect(toast.closest('.sk-toast')!.textContent).toContain('New match found!');
    expect(screen.getByRole('link', { name: 'New match found!' }).getAttribute('href')).toBe('/dashboard');
    expect(notifications).toHaveLength(1);
    expect(consoleError).not.toHaveBeenCalled();
    consoleError.mockRestore();

    six.leaveConversation(conversationId);
    six.disconnect();
    await waitFor(() => expect(getActiveUserIds()).toEqual(['7']), { timeout: 5000 });
  });

  it("seed data that is not an id is refused at once, naming the field", () => {
    expect(() => createMemoryStore({ users: [{ id: { value: 6 } as never, name: 'Six' }], conversations: [] })).toThrow(
      new TypeError(
        'createMemoryStore: users[0].id: expected a string or number id. A seed is { users: [{ id, name }], conversations: [{ id, participantIds, messages? }] } (docs/server.md, "Seeding the memory store").',
      ),
    );
  });

  it('getActiveUserIds() with no server made by initializeChatSocket says what to call', async () => {
    await chatIO.close();
    expect(() => getActiveUserIds()).toThrow(/no server made by initializeChatSocket\(httpServer\) is running/);
  });
});
