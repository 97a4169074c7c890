/**
 * Issue 10: the seed's client calls through `socketkit/compat`, against the
 * real bundled server: connect(token), on/off, joinConversation,
 * sendMessage({ conversationId, content }), leaveConversation, disconnect.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ChatClient, chatClient } from 'socketkit/compat';
import type { Message } from 'socketkit/protocol';
import { waitFor } from '../support/wait.js';
import { withLiveServer } from './helpers.js';

const liveServer = withLiveServer();
const made: ChatClient[] = [];
afterEach(() => {
  for (const c of made.splice(0)) c.disconnect();
});

function seedClient(): ChatClient {
  const c = new ChatClient({ url: liveServer().url, socketOptions: { transports: ['websocket'] } });
  made.push(c);
  return c;
}

describe('socketkit/compat (the seed client API)', () => {
  it('exports the seed names: chatClient and ChatClient with every seed method', () => {
    expect(chatClient).toBeInstanceOf(ChatClient);
    for (const method of ['connect', 'disconnect', 'on', 'off', 'joinConversation', 'leaveConversation', 'sendMessage'] as const) {
      expect(typeof chatClient[method], method).toBe('function');
    }
  });

  it('connect(token), join, on("message:new"), sendMessage, off and leave work as the seed used them', async () => {
    const alice = seedClient();
    const bob = seedClient();
    const heard: Message[] = [];
    const listener = (m: Message) => void heard.push(m);
    bob.on('message:new', listener);
    alice.connect(liveServer().token('alice'));
    bob.connect(liveServer().token('bob'));
    await Promise.all([alice.joinConversation('alice-bob'), bob.joinConversation('alice-bob')]);
    expect(alice.isConnected).toBe(true);

    const sent = await alice.sendMessage({ conversationId: 'alice-bob', content: 'Hello!' });
    expect(sent).toMatchObject({ content: 'Hello!', status: 'sent', senderId: 'alice' });
    await waitFor(() => heard.length === 1);
    expect(heard[0]).toMatchObject({ content: 'Hello!', conversationId: 'alice-bob' });

    bob.off('message:new', listener);
    await alice.sendMessage({ conversationId: 'alice-bob', content: 'Still there?' });
    // bob's own client still gets it (proves delivery), the removed listener does not.
    await waitFor(() => bob.client!.conversation('alice-bob').getSnapshot().messages.some((m) => m.content === 'Still there?'));
    expect(heard).toHaveLength(1);

    bob.leaveConversation('alice-bob');
    await waitFor(() => bob.client!.conversation('alice-bob').getSnapshot().status === 'idle');
  });

  it('a throwing listener does not stop the others (the seed promised error isolation)', async () => {
    const errors: unknown[] = [];
    const alice = new ChatClient({
      url: liveServer().url,
      socketOptions: { transports: ['websocket'] },
      logger: { warn() {}, error: (...args: unknown[]) => void errors.push(args) },
    });
    made.push(alice);
    const heard: string[] = [];
    alice.on('notification:new', () => {
      throw new Error('listener bug');
    });
    alice.on('notification:new', (n) => void heard.push(n.title));
    alice.connect(liveServer().token('alice'));
    await waitFor(() => alice.isConnected);
    liveServer().socketkit.sendToUser('alice', 'notification:new', { id: 'n1', title: 'Hi', body: '', createdAt: new Date().toISOString() });
    await waitFor(() => heard.length === 1);
    expect(heard).toEqual(['Hi']);
    expect(errors).toHaveLength(1);
  });

  it('listeners and joined conversations survive disconnect() and a new connect(token)', async () => {
    const bob = seedClient();
    const heard: string[] = [];
    bob.on('message:new', (m: Message) => void heard.push(m.content));
    bob.connect(liveServer().token('bob'));
    await bob.joinConversation('general');
    bob.disconnect();
    expect(bob.client).toBeNull();
    bob.connect(liveServer().token('bob'));
    await waitFor(() => bob.client!.conversation('general').getSnapshot().status === 'joined');
    const carol = seedClient();
    carol.connect(liveServer().token('carol'));
    await carol.sendMessage({ conversationId: 'general', content: 'after reconnect' });
    await waitFor(() => heard.includes('after reconnect'));
  });

  it("a join the server refuses rejects with its code; bad arguments get a TypeError", async () => {
    const bob = seedClient();
    bob.connect(liveServer().token('bob'));
    await expect(bob.joinConversation('design')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(bob.joinConversation('no-such-conversation')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(() => bob.connect('')).toThrow(/non-empty string/);
    expect(() => bob.joinConversation({} as never)).toThrow(TypeError);
    await expect(new ChatClient().sendMessage({ conversationId: 'general', content: 'x' })).rejects.toThrow(/before connect/);
  });

  it('joinConversation before connect settles only once joined on connect', async () => {
    const bob = seedClient();
    let joined = false;
    const join = bob.joinConversation('general').then(() => (joined = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(joined).toBe(false);
    bob.connect(liveServer().token('bob'));
    await join;
    expect(bob.client!.conversation('general').getSnapshot().status).toBe('joined');
  });

  it('a pending join rejects with DISCONNECTED on leaveConversation, disconnect() and a failed connection', async () => {
    const bob = seedClient();
    bob.connect(liveServer().token('bob'));
    const left = bob.joinConversation('general');
    bob.leaveConversation('general');
    await expect(left).rejects.toMatchObject({ code: 'DISCONNECTED' });
    const torn = bob.joinConversation('general');
    bob.disconnect();
    await expect(torn).rejects.toMatchObject({ code: 'DISCONNECTED' });

    const mallory = seedClient();
    mallory.connect('not-a-jwt');
    await waitFor(() => mallory.client!.connection.getSnapshot().status === 'failed');
    await expect(mallory.joinConversation('general')).rejects.toMatchObject({ code: 'DISCONNECTED' });
  });

  it('a join the server refuses is not kept: its handle is released', async () => {
    const bob = seedClient();
    bob.connect(liveServer().token('bob'));
    await expect(bob.joinConversation('design')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(bob.client!.conversation('design').getSnapshot().status).toBe('idle');
  });
});
