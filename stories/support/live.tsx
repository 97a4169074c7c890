/**
 * Stories run live: each gets a real socketkit client for the toolbar's user,
 * connected to the in-page server (or a configured live one, ./msw.ts), plus
 * the user directory from /api/users.
 */
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import type { Decorator } from '@storybook/react-vite';
import { createRealtimeClient, type RealtimeClient, type RealtimeClientOptions } from 'socketkit';
import { RealtimeProvider } from 'socketkit/react';
import { SocketkitUIProvider, type UserInfo } from 'socketkit/ui';
import { CLOSED_SERVER_URL, fetchToken, fetchUsers, serverUrl, socketTransports } from './server';
import { DevPanel } from './DevPanel';
import type { ReadyState } from './ready';

/**
 * How a story's client connects: `live` to the server; `bad-token` is refused
 * (unauthorized); `dead-server` keeps reconnecting; `dead-server-fail` gives up
 * at once (failed); `offline` connects, then disconnects on purpose.
 */
export type LiveMode = 'live' | 'bad-token' | 'dead-server' | 'dead-server-fail' | 'offline';

/** `parameters.socketkit` of a story. */
export interface LiveParameters {
  mode?: LiveMode;
  /** Sign in as this user whatever the toolbar says. */
  as?: string;
  /** Show the dev panel (latency, disconnects). Default true. */
  devPanel?: boolean;
  /** What the story shows once it reached its state; its play function (`untilReady`) waits for it. Default: connected. */
  ready?: ReadyState;
}

interface LiveContextValue {
  userId: string;
  client: RealtimeClient;
  directoryError: string | null;
}

const LiveContext = createContext<LiveContextValue | null>(null);

/** The story's user, client and directory status. */
export function useLive(): LiveContextValue {
  const value = useContext(LiveContext);
  if (!value) throw new Error('useLive() needs the withLive decorator');
  return value;
}

function clientOptions(mode: LiveMode, userId: string): RealtimeClientOptions {
  const getToken = () => fetchToken(userId);
  const socketOptions = { transports: socketTransports() };
  switch (mode) {
    case 'bad-token':
      return { url: serverUrl(), token: 'not-a-valid-token', socketOptions };
    case 'dead-server':
      return { url: CLOSED_SERVER_URL, getToken, reconnection: { maxAttempts: Infinity, initialDelayMs: 4000, maxDelayMs: 8000 } };
    case 'dead-server-fail':
      return { url: CLOSED_SERVER_URL, getToken, reconnection: { maxAttempts: 0 } };
    default:
      return { url: serverUrl(), getToken, socketOptions };
  }
}

/** Gives its children a live client for `userId` and the user directory. */
export function LiveProvider({ userId, mode = 'live', children }: { userId: string; mode?: LiveMode; children: ReactNode }) {
  const [client, setClient] = useState<RealtimeClient | null>(null);
  const [users, setUsers] = useState<Record<string, UserInfo>>({});
  const [directoryError, setDirectoryError] = useState<string | null>(null);

  useEffect(() => {
    const c = createRealtimeClient(clientOptions(mode, userId));
    setClient(c);
    let off = () => {};
    if (mode === 'offline') {
      off = c.connection.subscribe(() => {
        if (c.connection.getSnapshot().status === 'connected') {
          off();
          c.disconnect();
        }
      });
    }
    return () => {
      off();
      c.destroy();
    };
  }, [userId, mode]);

  useEffect(() => {
    let cancelled = false;
    fetchToken(userId)
      .then(fetchUsers)
      .then((list) => {
        if (cancelled) return;
        setUsers(Object.fromEntries(list.map((u) => [u.id, { name: u.name }])));
        setDirectoryError(null);
      })
      .catch((error: unknown) => {
        if (!cancelled) setDirectoryError(error instanceof Error ? error.message : String(error));
      });
    return () => {
      cancelled = true;
    };
  }, [userId]);

  if (!client) return null;
  return (
    <RealtimeProvider client={client}>
      <SocketkitUIProvider users={users}>
        <LiveContext.Provider value={{ userId, client, directoryError }}>{children}</LiveContext.Provider>
      </SocketkitUIProvider>
    </RealtimeProvider>
  );
}

/** Decorator: a live client for the toolbar's user (or `parameters.socketkit.as`), and the dev panel. */
export const withLive: Decorator = (Story, context) => {
  const params = (context.parameters.socketkit ?? {}) as LiveParameters;
  const userId = params.as ?? String(context.globals.user ?? 'alice');
  const mode = params.mode ?? 'live';
  return (
    <LiveProvider key={`${userId}:${mode}`} userId={userId} mode={mode}>
      {params.devPanel !== false && <DevPanel />}
      <Story />
    </LiveProvider>
  );
};
