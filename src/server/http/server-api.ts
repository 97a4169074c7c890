/**
 * The server API for a team's own backend (docs/deploy.md, "The server API, for your backend"):
 * `Authorization: Bearer <api key>`, JSON in and out, errors
 * `{ error: { code, message } }`. `socketkit-server --api-key K` serves it;
 * an app that embeds socketkit can mount `createServerApiHandler` in its own
 * http server, or call the same operations on `SocketkitServer` directly.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { LIMITS, type NotifyRequest } from '../../protocol/index.js';
import { bearerToken } from '../auth/auth.js';
import { RequestError } from '../operations/errors.js';
import { dispatch, intParam, parseBody, readJsonBody, requestUrl, sendError, type Route } from './routing.js';
import type { SocketkitLogger } from '../logger.js';
import { silentLogger } from '../logger.js';
import type { NewConversation } from '../operations/operations.js';
import type { AppendMessageInput } from '../store/store.js';
import type { SocketkitServer } from '../types.js';

const userId = z.string().min(1).max(LIMITS.maxIdLength);
/** The event name's rules are `assertEmittableEvent`'s; the schema only takes the string. */
const emitSchema = z.object({ event: z.string(), data: z.unknown() });
const conversationEmitSchema = emitSchema.extend({ exceptUserId: userId.optional() });
/**
 * Bodies of `POST /server/conversations` and `.../messages`: only "an
 * object" here; their fields are checked by the operations themselves
 * (operations.ts), one set of rules for sockets, this API and embedding apps.
 */
const objectBody = z.looseObject({});
const presenceListQuery = (url: URL) => {
  const cursor = url.searchParams.get('cursor') ?? undefined;
  if (cursor !== undefined && (cursor === '' || cursor.length > LIMITS.maxIdLength)) {
    throw new RequestError('BAD_REQUEST', `cursor must be 1 to ${LIMITS.maxIdLength} characters`);
  }
  return { cursor, limit: intParam(url.searchParams, 'limit', 1) };
};

/** The server API's route table over a running socketkit server (no authentication: see `createServerApiHandler`). */
export function serverApiRoutes(socketkit: SocketkitServer): Route[] {
  return [
    {
      method: 'POST',
      path: '/server/users/:userId/emit',
      async handle({ req, params }) {
        const body = parseBody(emitSchema, await readJsonBody(req));
        await socketkit.emitToUser(params.userId as string, body.event, body.data);
        return { status: 200, body: { ok: true } };
      },
    },
    {
      method: 'POST',
      path: '/server/conversations/:id/emit',
      async handle({ req, params }) {
        const body = parseBody(conversationEmitSchema, await readJsonBody(req));
        await socketkit.emitToConversation(params.id as string, body.event, body.data, { exceptUserId: body.exceptUserId });
        return { status: 200, body: { ok: true } };
      },
    },
    {
      // Revocation (issue 24 #8): every socket of the user is told `auth:revoked` and closed.
      method: 'POST',
      path: '/server/users/:userId/disconnect',
      async handle({ params }) {
        return { status: 200, body: { ok: true, disconnected: await socketkit.disconnectUser(params.userId as string) } };
      },
    },
    {
      method: 'POST',
      path: '/server/users/:userId/notifications',
      async handle({ req, params }) {
        const body = parseBody(objectBody, await readJsonBody(req));
        // Unchecked fields: `SocketkitServer.notify` is the edge that parses them, once.
        return { status: 201, body: await socketkit.notify(params.userId as string, body as unknown as NotifyRequest) };
      },
    },
    {
      method: 'GET',
      path: '/server/users/:userId/presence',
      async handle({ params }) {
        return { status: 200, body: await socketkit.getUserPresence(params.userId as string) };
      },
    },
    {
      method: 'GET',
      path: '/server/online-users',
      async handle({ url }) {
        return { status: 200, body: await socketkit.listOnlineUsers(presenceListQuery(url)) };
      },
    },
    {
      method: 'POST',
      path: '/server/conversations',
      async handle({ req }) {
        const body = parseBody(objectBody, await readJsonBody(req));
        // Unchecked fields: `SocketkitServer.createConversation` is the edge that parses them, once.
        return { status: 201, body: { conversation: await socketkit.createConversation(body as unknown as NewConversation) } };
      },
    },
    {
      method: 'POST',
      path: '/server/conversations/:id/messages',
      async handle({ req, params }) {
        const body = parseBody(objectBody, await readJsonBody(req));
        // Unchecked fields: `SocketkitServer.postMessage` is the edge that parses them, once.
        const input = { ...body, conversationId: params.id as string } as unknown as AppendMessageInput;
        const { message, created } = await socketkit.postMessage(input);
        return { status: created ? 201 : 200, body: { message } };
      },
    },
  ];
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Whether `given` equals `expected`, in time independent of where they
 * differ (both are hashed to 32 bytes first, so the length does not leak
 * either; `crypto.timingSafeEqual` needs equal lengths).
 */
export function apiKeyMatches(given: string | undefined, expected: string): boolean {
  return timingSafeEqual(digest(given ?? ''), digest(expected)) && given !== undefined;
}

/** Options of `createServerApiHandler`. */
export interface ServerApiOptions {
  socketkit: SocketkitServer;
  /** The key backends send as `Authorization: Bearer <key>`. Without one the API is off: every path answers `false` (404 by the caller). */
  apiKey: string | undefined;
  logger?: SocketkitLogger | undefined;
}

/**
 * A request listener for the server API's paths (`/server/...`). Resolves
 * `true` when it answered, `false` for any other path (or every path when
 * there is no API key), so the caller can answer 404 or try other routes.
 * 401 without the key or with another one.
 *
 * @example
 * const serverApi = createServerApiHandler({ socketkit, apiKey: process.env.SOCKETKIT_API_KEY });
 * app.use((req, res, next) => void serverApi(req, res).then((handled) => handled || next()));
 */
export function createServerApiHandler(options: ServerApiOptions): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const { apiKey } = options;
  const logger = options.logger ?? silentLogger;
  const routes = serverApiRoutes(options.socketkit);
  return async (req, res) => {
    if (apiKey === undefined) return false;
    const url = requestUrl(req, res);
    if (!url) return true;
    if (!url.pathname.startsWith('/server/')) return false;
    if (!apiKeyMatches(bearerToken(req.headers.authorization), apiKey)) {
      sendError(res, new RequestError('UNAUTHORIZED', 'Authorization: Bearer <api key> required'));
      return true;
    }
    return dispatch(routes, req, res, url, logger);
  };
}
