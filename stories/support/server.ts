/**
 * The server as stories see it: the in-page server by default (a static
 * Storybook needs nothing else running), or a live bundled server when one
 * is configured (`?serverUrl=`, `STORYBOOK_SERVER_URL`); its URL and its
 * development endpoints.
 */
import type { ManagerOptions, SocketOptions as ClientSocketOptions } from 'socket.io-client';
import type { InPageServer } from 'socketkit/mock-server/browser';
import type { DevTokenResponse } from 'socketkit/protocol';
import { configuredServerUrl, inPage, serverReady } from './msw';

type SocketOptions = Partial<ManagerOptions & ClientSocketOptions>;

/** Seed users of the bundled server (`--seed default`). */
export const SEED_USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'] as const;

/** Nothing listens here: stories that need a dead server point their client at it. */
export const CLOSED_SERVER_URL = 'http://127.0.0.1:45999';

/** The stories' server: the configured live server, else the in-page one (`stories/support/msw.ts`). */
export function serverUrl(): string {
  return configuredServerUrl() ?? (inPage as InPageServer).url;
}

/** socket.io-client `transports` for the stories' server: the in-page server's transport, or plain WebSocket. */
export function socketTransports(): SocketOptions['transports'] {
  return inPage ? inPage.socketOptions.transports : ['websocket'];
}

async function post<T>(path: string, body: unknown, token?: string): Promise<T> {
  await serverReady();
  const res = await fetch(`${serverUrl()}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path} → ${res.status}`);
  return (await res.json()) as T;
}

/** A token from the dev endpoint `POST /auth/token`. */
export async function fetchToken(userId: string): Promise<string> {
  return (await post<DevTokenResponse>('/auth/token', { userId })).token;
}

/** A seed user as `GET /api/users` lists them. */
export interface DirectoryUser {
  id: string;
  name: string;
  avatarUrl?: string;
  online: boolean;
}

/** `GET /api/users` (Bearer). Throws with the status on failure (e.g. a mocked 500). */
export async function fetchUsers(token: string): Promise<DirectoryUser[]> {
  await serverReady();
  const res = await fetch(`${serverUrl()}/api/users`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`GET /api/users → ${res.status}`);
  return ((await res.json()) as { users: DirectoryUser[] }).users;
}

/** The server's development endpoints, for the dev panel and stories. */
export const dev = {
  latency: (ms: number) => post('/dev/latency', { ms }),
  disconnect: (userId?: string) => post('/dev/disconnect', userId ? { userId } : {}),
  reset: () => post('/dev/reset', {}),
  /** Sends `notification:new` to a user (any valid token may call it). */
  notify: async (userId: string, title: string, body: string) =>
    post('/api/notifications', { userId, title, body }, await fetchToken(userId)),
};
