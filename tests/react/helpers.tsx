/**
 * Shared setup of the React tests: a real bundled server on port 0 per test,
 * providers for named users, and counters read on the SERVER side.
 */
import type { ReactNode } from 'react';
import { afterEach, beforeEach } from 'vitest';
import { cleanup } from '@testing-library/react';
import { createRealtimeClient, type RealtimeClient, type RealtimeClientOptions } from 'socketkit';
import { RealtimeProvider } from 'socketkit/react';
import { startServer } from '../support/server.js';

export type TestServer = Awaited<ReturnType<typeof startServer>>;

/** Fast reconnection for tests that cut the connection. */
export const FAST_RECONNECT = { initialDelayMs: 30, maxDelayMs: 200, maxAttempts: Infinity, jitter: 0 };

/**
 * Starts a fresh server before each test and tears everything down after:
 * rendered trees first (so owned clients are destroyed), then our clients,
 * then the server.
 */
export function useTestServer(options: Parameters<typeof startServer>[0] = {}) {
  const state = { server: undefined as unknown as TestServer, clients: [] as RealtimeClient[] };
  beforeEach(async () => {
    state.server = await startServer({ presenceGraceMs: 0, ...options });
  });
  afterEach(async () => {
    cleanup();
    state.clients.splice(0).forEach((client) => client.destroy());
    await state.server.cleanup();
  });
  return {
    get server() {
      return state.server;
    },
    /** A client for `userId`, destroyed after the test. */
    client(userId: string, extra: Partial<RealtimeClientOptions> = {}): RealtimeClient {
      const client = createRealtimeClient({ url: state.server.url, token: state.server.token(userId), reconnection: FAST_RECONNECT, ...extra });
      state.clients.push(client);
      return client;
    },
    /** A wrapper whose provider owns a client for `userId`. */
    provider(userId: string) {
      const url = state.server.url;
      const token = state.server.token(userId);
      return function Wrapper({ children }: { children?: ReactNode }) {
        return (
          <RealtimeProvider url={url} token={token} options={{ reconnection: FAST_RECONNECT }}>
            {children}
          </RealtimeProvider>
        );
      };
    },
  };
}

/** Sockets the server holds for `userId` now. */
export async function socketsOf(server: TestServer, userId: string): Promise<number> {
  const sockets = await server.io.fetchSockets();
  return sockets.filter((socket) => socket.data.userId === userId).length;
}

/**
 * Counts, on the server, every connection and every event received from
 * clients. Install before the clients connect.
 */
export function countOnServer(server: TestServer) {
  const counts = { connections: 0, events: new Map<string, number>() };
  server.io.on('connection', (socket) => {
    counts.connections++;
    socket.onAny((event: string) => counts.events.set(event, (counts.events.get(event) ?? 0) + 1));
  });
  return { connections: () => counts.connections, events: (event: string) => counts.events.get(event) ?? 0 };
}

/** Socket ids in a server room (e.g. `conversation:general`). */
export function roomSize(server: TestServer, room: string): number {
  return server.io.sockets.adapter.rooms.get(room)?.size ?? 0;
}
