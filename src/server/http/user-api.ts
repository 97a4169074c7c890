/**
 * The user REST reads (docs/protocol.md, "HTTP endpoints"; protocol 1.2),
 * served by the mock server and `socketkit-server` alike, so server-side
 * rendering and apps written against the mock server work in production:
 * `Authorization: Bearer <user JWT>` (401 without a valid one), JSON in and
 * out, the same answers and events as the socket requests (each route calls
 * the `SocketkitServer` operation the socket handler calls).
 */
import type { IncomingMessage } from 'node:http';
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { ConversationsResponse, MessagesResponse, NotificationsResponse, UsersResponse } from '../../protocol/index.js';
import { AuthError, bearerToken, verificationKey, verifyToken, type AuthIdentity, type JwtOptions } from '../auth/auth.js';
import { RequestError } from '../operations/errors.js';
import { historyPage } from '../operations/operations.js';
import type { SocketkitServer } from '../types.js';
import { intParam, parseBody, readJsonBody, type Route } from './routing.js';

/** Verifies a request's Bearer token; throws `RequestError` `UNAUTHORIZED` (401). */
export type BearerAuthenticator = (req: IncomingMessage) => AuthIdentity;

/** A `BearerAuthenticator` over the JWT secret (or public key) sockets are verified with. */
export function bearerAuthenticator(secret: string | KeyObject, jwt?: JwtOptions): BearerAuthenticator {
  const key = verificationKey(secret, jwt);
  return (req) => {
    try {
      return verifyToken(bearerToken(req.headers.authorization), key, jwt);
    } catch (error) {
      const code = error instanceof AuthError ? error.code : 'TOKEN_INVALID';
      throw new RequestError('UNAUTHORIZED', `Bearer token required (${code})`);
    }
  };
}

/** `?cursor` as given (the operation's schema checks it), absent when empty. */
const cursorParam = (url: URL): string | undefined => url.searchParams.get('cursor') || undefined;

/** `?unreadOnly=true|false`; `BAD_REQUEST` for anything else. */
function booleanParam(url: URL, name: string): boolean | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new RequestError('BAD_REQUEST', `${name} must be true or false`);
}

/** Bodies are checked by the `SocketkitServer` operation (one set of rules with the socket requests); here only "an object". */
const objectBody = z.looseObject({});

/** The user REST routes over a running socketkit server. */
export function userApiRoutes(socketkit: SocketkitServer, authenticate: BearerAuthenticator): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/users',
      async handle({ req }) {
        authenticate(req);
        const users = (await socketkit.store.listUsers()).map((u) => ({ ...u, online: socketkit.isUserOnline(u.id) }));
        return { status: 200, body: { users } satisfies UsersResponse };
      },
    },
    {
      method: 'GET',
      path: '/api/conversations',
      async handle({ req, url }) {
        const { userId } = authenticate(req);
        const page = await socketkit.listConversations(userId, { cursor: cursorParam(url), limit: intParam(url.searchParams, 'limit', 0) });
        return { status: 200, body: page satisfies ConversationsResponse };
      },
    },
    {
      method: 'GET',
      path: '/api/conversations/:id/messages',
      async handle({ req, url, params }) {
        const { userId } = authenticate(req);
        const page: MessagesResponse = await historyPage(socketkit.store, userId, {
          conversationId: params.id as string,
          afterSeq: intParam(url.searchParams, 'afterSeq', 0),
          beforeSeq: intParam(url.searchParams, 'beforeSeq', 0),
          limit: intParam(url.searchParams, 'limit', 1),
        });
        return { status: 200, body: page };
      },
    },
    {
      method: 'POST',
      path: '/api/conversations/:id/read',
      async handle({ req, params }) {
        const { userId } = authenticate(req);
        const body = parseBody(objectBody, await readJsonBody(req));
        const state = await socketkit.readConversation(userId, { ...body, conversationId: params.id as string } as never);
        return { status: 200, body: state };
      },
    },
    {
      method: 'GET',
      path: '/api/notifications',
      async handle({ req, url }) {
        const { userId } = authenticate(req);
        const page = await socketkit.listNotifications(userId, {
          cursor: cursorParam(url),
          limit: intParam(url.searchParams, 'limit', 0),
          unreadOnly: booleanParam(url, 'unreadOnly'),
        });
        return { status: 200, body: page satisfies NotificationsResponse };
      },
    },
    {
      method: 'POST',
      path: '/api/notifications/read',
      async handle({ req }) {
        const { userId } = authenticate(req);
        const body = parseBody(objectBody, await readJsonBody(req));
        return { status: 200, body: await socketkit.readNotifications(userId, body as never) };
      },
    },
  ];
}
