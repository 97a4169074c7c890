/**
 * The bundled server as stories see it: its URL (chosen at run time so the
 * browser tests can use an ephemeral port) and its development endpoints.
 */
import type { DevTokenResponse } from 'socketkit/protocol';

/** Seed users of the bundled server (`--seed default`). */
export const SEED_USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'] as const;

/** Nothing listens here: stories that need a dead server point their client at it. */
export const CLOSED_SERVER_URL = 'http://127.0.0.1:45999';

/**
 * The server URL: `window.__SOCKETKIT_SERVER_URL__` (tests), then `?serverUrl=`
 * on the preview URL, then `STORYBOOK_SERVER_URL` at build time, then localhost:3001.
 */
export function serverUrl(): string {
  const fromQuery = typeof location === 'undefined' ? null : new URLSearchParams(location.search).get('serverUrl');
  return (
    (typeof window === 'undefined' ? undefined : window.__SOCKETKIT_SERVER_URL__) ??
    fromQuery ??
    import.meta.env.STORYBOOK_SERVER_URL ??
    'http://localhost:3001'
  ).replace(/\/+$/, '');
}

async function post<T>(path: string, body: unknown, token?: string): Promise<T> {
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
