/**
 * Helpers for integration tests: socketkit clients against the real bundled
 * server (tests/support/server.ts), disposed by `disposeAll()`.
 */
import { createRealtimeClient, type ConversationId, type RealtimeClient, type RealtimeClientOptions } from 'socketkit';
import type { Socket } from 'socket.io-client';
import type { TestServer } from '../support/server.js';
import { emitAck, waitFor } from '../support/wait.js';
import type { HistoryResult, Message } from 'socketkit/protocol';

const clients = new Set<RealtimeClient>();

/** A client for `userId` with fresh tokens and a fast, never-ending reconnection schedule. */
export function realClient(server: TestServer, userId: string, options: Partial<RealtimeClientOptions> = {}): RealtimeClient {
  const client = createRealtimeClient({
    url: server.url,
    getToken: () => server.token(userId),
    reconnection: { initialDelayMs: 50, maxDelayMs: 250, maxAttempts: Infinity, jitter: 0.2 },
    requestTimeoutMs: 3000,
    logger: { warn: () => {}, error: (...args: unknown[]) => console.error(...args) },
    ...options,
    socketOptions: { transports: ['websocket'], timeout: 2000, ...options.socketOptions },
  });
  clients.add(client);
  return client;
}

export function disposeAll(): void {
  clients.forEach((c) => c.destroy());
  clients.clear();
}

export const status = (client: RealtimeClient) => client.connection.getSnapshot().status;

export const connected = (client: RealtimeClient, timeoutMs = 5000) =>
  waitFor(() => status(client) === 'connected', { timeoutMs, message: `connected (now ${status(client)})` });

/** Join and wait until joined; returns the release. */
export async function joined(client: RealtimeClient, id: ConversationId, timeoutMs = 5000): Promise<() => void> {
  const release = client.conversation(id).join();
  await waitFor(() => client.conversation(id).getSnapshot().status === 'joined', { timeoutMs, message: `joined ${id}` });
  return release;
}

/** Contents of what the client shows, and a check that it is in seq order without duplicates. */
export function shown(client: RealtimeClient, id: ConversationId) {
  const { messages } = client.conversation(id).getSnapshot();
  const sent = messages.filter((m) => m.status === 'sent');
  const seqs = sent.map((m) => m.seq!);
  return {
    contents: messages.map((m) => m.content),
    sentContents: sent.map((m) => m.content),
    allSent: messages.every((m) => m.status === 'sent'),
    ordered: seqs.every((s, i) => i === 0 || s > seqs[i - 1]!),
    unique: new Set(messages.map((m) => m.clientMessageId)).size === messages.length && new Set(seqs).size === seqs.length,
  };
}

/** Every stored message of a conversation, read by a stock socket of a participant. */
export async function stored(socket: Socket, conversationId: ConversationId): Promise<Message[]> {
  const all: Message[] = [];
  for (let afterSeq = 0, more = true; more; ) {
    const r = await emitAck<{ ok: true } & HistoryResult>(socket, 'conversation:history', { conversationId, afterSeq, limit: 200 });
    for (const message of r.messages) all.push(message);
    more = r.hasMore;
    afterSeq = all.at(-1)?.seq ?? afterSeq;
  }
  return all;
}
