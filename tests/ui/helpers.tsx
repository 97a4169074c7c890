/**
 * UI test helpers: real clients against the real bundled server, rendered
 * inside `RealtimeProvider` + `SocketkitUIProvider`.
 */
import type { ReactNode } from 'react';
import { createRealtimeClient, type RealtimeClient, type RealtimeClientOptions } from 'socketkit';
import { RealtimeProvider } from 'socketkit/react';
import { SocketkitUIProvider, type SocketkitStrings } from 'socketkit/ui';
import { afterEach, beforeEach } from 'vitest';
import { cleanup } from '@testing-library/react';
import { startServer, type TestServer } from '../support/server.js';
import { waitFor } from '../support/wait.js';

/** Display names of the seed users. */
export const USERS = {
  alice: { name: 'Alice Martin' },
  bob: { name: 'Bob Chen' },
  carol: { name: 'Carol Díaz' },
  dave: { name: 'Dave Okafor' },
};

const clients = new Set<RealtimeClient>();

/** A real client for `userId`, over websockets, destroyed by `destroyClients()`. */
export function makeClient(server: TestServer | { url: string; token(id: string): string }, userId: string, options: Partial<RealtimeClientOptions> = {}): RealtimeClient {
  const client = createRealtimeClient({
    url: server.url,
    token: server.token(userId),
    socketOptions: { transports: ['websocket'] },
    ...options,
  });
  clients.add(client);
  return client;
}

/** Waits until the client is connected. */
export function connected(client: RealtimeClient, timeoutMs = 5000): Promise<boolean> {
  return waitFor(() => client.connection.getSnapshot().status === 'connected', { timeoutMs, message: 'client connected' });
}

/** Destroys every client made by `makeClient`. */
export function destroyClients(): void {
  for (const c of clients) c.destroy();
  clients.clear();
}

/** The providers a UI component needs, around `children`. */
export function Providers({
  client,
  children,
  strings,
  locale,
}: {
  client: RealtimeClient;
  children: ReactNode;
  strings?: Partial<SocketkitStrings>;
  locale?: string;
}) {
  return (
    <RealtimeProvider client={client}>
      <SocketkitUIProvider users={USERS} strings={strings} locale={locale}>
        {children}
      </SocketkitUIProvider>
    </RealtimeProvider>
  );
}

/**
 * A fresh bundled server for every test of the file, torn down with every
 * rendered tree and client. Returns a getter: the server of the running test.
 */
export function withLiveServer(): () => TestServer {
  let server: TestServer | undefined;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    cleanup();
    destroyClients();
    await server?.cleanup();
  });
  return () => server!;
}
