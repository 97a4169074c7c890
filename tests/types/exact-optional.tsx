/**
 * Issue 20, point 8: a project compiled with `exactOptionalPropertyTypes`
 * passes `undefined` explicitly to every optional option of the public API
 * (e.g. `token: process.env.TOKEN`, `logger: maybeLogger`). Compiled by
 * `npm run typecheck` with tests/types/tsconfig.json; not run.
 */
import { createRealtimeClient, type RealtimeClientOptions } from 'socketkit';
import { RealtimeProvider, useNotifications, useOnlineUsers } from 'socketkit/react';
import { AvatarStack, ChatPanel, ConnectionBanner, MessageComposer, MessageList, NotificationToaster, PresenceBadge, SocketkitUIProvider } from 'socketkit/ui';
import {
  createOriginPolicy,
  createSocketkitServer,
  createTokenSigner,
  startStandaloneServer,
  type SocketkitServerOptions,
} from 'socketkit/server';
import { createMockServer } from 'socketkit/mock-server';
import { ChatClient } from 'socketkit/compat';
import { createServer } from 'node:http';

declare const maybe: <T>() => T | undefined;

const clientOptions: RealtimeClientOptions = {
  url: 'http://localhost:3001',
  token: maybe<string>(),
  getToken: undefined,
  autoConnect: undefined,
  reconnection: { initialDelayMs: undefined, maxDelayMs: undefined, maxAttempts: undefined, jitter: undefined },
  lostAfterMs: undefined,
  connectTimeoutMs: undefined,
  requestTimeoutMs: undefined,
  outbox: { maxSize: undefined, storage: undefined, storageKey: undefined },
  socketOptions: undefined,
  logger: undefined,
  onError: undefined,
  now: undefined,
  random: undefined,
  createSocket: undefined,
};
const client = createRealtimeClient(clientOptions);
void client.request('presence:list', {}, { timeoutMs: undefined });
new ChatClient({ url: undefined, logger: undefined });

const serverOptions: SocketkitServerOptions = {
  secret: maybe<string>(),
  jwt: { issuer: undefined, audience: undefined, algorithms: undefined },
  store: undefined,
  presenceGraceMs: undefined,
  rateLimit: undefined,
  logger: undefined,
  quiet: undefined,
  clientUrl: undefined,
  allowOrigin: undefined,
  path: undefined,
  cluster: undefined,
};
const socketkit = createSocketkitServer(createServer(), serverOptions);
socketkit.broadcastToConversation('c', 'custom:event', {}, { exceptUserId: undefined, exceptSocketId: undefined });
createTokenSigner({ secret: undefined, jwt: undefined, expiresInS: undefined });
createOriginPolicy({ clientUrls: ['http://localhost:5173'], logger: undefined });
void createMockServer({ port: undefined, secret: undefined, seed: undefined, quiet: undefined });
void startStandaloneServer;

export function Page() {
  const { notifications } = useNotifications({ max: undefined });
  useOnlineUsers({ limit: undefined, refreshMs: undefined, enabled: undefined });
  return (
    <RealtimeProvider client={client}>
      <SocketkitUIProvider strings={undefined} locale={undefined} users={undefined}>
        <ConnectionBanner />
        <ChatPanel conversationId="general" title={undefined} headerEnd={undefined} renderContent={undefined} autoFocus={undefined} />
        <MessageList messages={[]} currentUserId={undefined} hasMore={undefined} onLoadOlder={undefined} emptyLabel={undefined} />
        <MessageComposer conversationId="general" placeholder={undefined} onSend={undefined} />
        <NotificationToaster max={undefined} durationMs={undefined} />
        <PresenceBadge userId="bob" showLabel={undefined} />
        <AvatarStack max={undefined} />
        {notifications.length}
      </SocketkitUIProvider>
    </RealtimeProvider>
  );
}
