import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { LIMITS } from 'socketkit/protocol';
import type { ConversationCreateResult, DevTokenResponse, NotificationResponse } from 'socketkit/protocol';
import {
  bearerAuthenticator,
  conversationCreateSchema,
  createConversation,
  dispatch,
  healthRoute,
  notifySchema,
  parseBody,
  readJsonBody,
  userApiRoutes,
} from 'socketkit/server/internal';
import type { JwtOptions, Route, SocketkitLogger, SocketkitServer } from 'socketkit/server/internal';
import { HttpError, sendError } from './http-util.js';

/** What the HTTP API needs from the mock server. */
export interface HttpApiDeps {
  socketkit: SocketkitServer;
  secret: string;
  jwt: JwtOptions | undefined;
  /** CORS decision shared with Socket.IO (`createOriginPolicy`). */
  allowOrigin: (origin: string) => boolean;
  /**
   * Origins that may read `POST /auth/token`'s answer: the configured
   * `clientUrl` list only, not every loopback origin `allowOrigin` admits in
   * development (issue 24 #8: any local page could mint itself a token).
   */
  tokenOrigins: readonly string[];
  devEndpoints: boolean;
  /** `performance.now()` when the server started (uptime is a duration, on the monotonic clock). */
  startedAt: number;
  logger: SocketkitLogger;
  signToken(claims: Record<string, unknown>, opts?: { expiresInS?: number }): string;
  setLatency(ms: number): void;
  disconnectAll(userId?: string): void;
  reset(): void;
}

const userIdSchema = z.union([z.string().min(1).max(LIMITS.maxIdLength), z.int().transform(String)]);
const devTokenSchema = z.object({
  userId: userIdSchema,
  name: z.string().min(1).max(200).optional(),
  email: z.string().max(320).optional(),
  avatarUrl: z.string().max(2048).optional(),
  expiresInS: z.int().min(1).max(30 * 24 * 3600).optional(),
});
const latencySchema = z.object({ ms: z.int().min(0).max(60_000) });
const disconnectSchema = z.object({ userId: userIdSchema.optional() }).optional();
/** `conversation:create`'s schema, but a number is accepted as a participant id (as the REST API always did). */
const createConversationSchema = conversationCreateSchema.extend({
  participantIds: z.array(userIdSchema).max(LIMITS.maxParticipants),
});
/** A link a notification may carry: http(s) or relative (issue 24 #5: `javascript:` was rendered as is on React 18). */
const isSafeLink = (link: string): boolean => {
  try {
    return ['http:', 'https:'].includes(new URL(link, 'https://relative.invalid').protocol);
  } catch {
    return false;
  }
};
/** The protocol's notification (`notifySchema`) and whom it is for; its `link` http(s) or relative. */
const notificationSchema = notifySchema
  .extend({ userId: userIdSchema })
  .refine((body) => body.link === undefined || isSafeLink(body.link), { path: ['link'], message: 'an http(s) or relative URL' });

/** The mock server's request listener: the spec's REST endpoints, dev endpoints and CORS. */
export function createHttpApi(deps: HttpApiDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { socketkit } = deps;
  const store = socketkit.store;
  const authenticate = bearerAuthenticator(deps.secret, deps.jwt);

  const devRoutes: Route[] = [
    {
      method: 'POST',
      path: '/auth/token',
      async handle({ req }) {
        const { expiresInS, ...claims } = parseBody(devTokenSchema, await readJsonBody(req));
        const answer: DevTokenResponse = { token: deps.signToken(claims, { expiresInS: expiresInS ?? 3600 }) };
        return { status: 200, body: answer };
      },
    },
    {
      method: 'POST',
      path: '/dev/latency',
      async handle({ req }) {
        const { ms } = parseBody(latencySchema, await readJsonBody(req));
        deps.setLatency(ms);
        return { status: 200, body: { ok: true, latencyMs: ms } };
      },
    },
    {
      method: 'POST',
      path: '/dev/disconnect',
      async handle({ req }) {
        const body = parseBody(disconnectSchema, await readJsonBody(req));
        deps.disconnectAll(body?.userId);
        return { status: 200, body: { ok: true } };
      },
    },
    {
      method: 'POST',
      path: '/dev/reset',
      handle() {
        deps.reset();
        return { status: 200, body: { ok: true } };
      },
    },
  ];

  const apiRoutes: Route[] = [
    healthRoute(socketkit, deps.startedAt),
    // The user REST reads, shared with socketkit-server.
    ...userApiRoutes(socketkit, authenticate),
    {
      method: 'POST',
      path: '/api/conversations',
      async handle({ req }) {
        const { userId } = authenticate(req);
        const body = parseBody(createConversationSchema, await readJsonBody(req));
        const conversation = await createConversation(store, { ...body, createdBy: userId });
        return { status: 201, body: { conversation } satisfies ConversationCreateResult };
      },
    },
    {
      method: 'POST',
      path: '/api/notifications',
      async handle({ req }) {
        const { userId } = authenticate(req);
        const { userId: to, ...notification } = parseBody(notificationSchema, await readJsonBody(req));
        // Without the development endpoints (NODE_ENV=production) a user notifies only themselves.
        if (!deps.devEndpoints && to !== userId) throw new HttpError(403, 'FORBIDDEN', 'You may only notify yourself');
        const sent = await socketkit.notify(to, notification);
        return { status: 201, body: sent satisfies NotificationResponse };
      },
    },
  ];
  // One table: the development endpoints exist only when turned on (otherwise 404).
  const routes = deps.devEndpoints ? [...apiRoutes, ...devRoutes] : apiRoutes;

  /** Answers from the route table (errors included); an unknown path throws 404 for the listener below. */
  const route = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    // OPTIONS is answered below, before any route: a 405's Allow names it.
    if (await dispatch(routes, req, res, url, deps.logger, { answersOptions: true })) return;
    throw new HttpError(404, 'NOT_FOUND', `No route ${req.method ?? 'GET'} ${url.pathname}`);
  };

  return (req, res) => {
    const origin = req.headers.origin;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    // A browser names the page's origin on every cross-origin write: one from a page we do not
    // trust is refused before it runs (a text/plain POST needs no preflight; issue 24 #8).
    const isWrite = req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS';
    if (isWrite && origin !== undefined && !deps.allowOrigin(origin)) {
      return sendError(res, new HttpError(403, 'FORBIDDEN', 'Origin not allowed'));
    }
    const isDev = path === '/auth/token' || path.startsWith('/dev/');
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (isDev && isWrite && hasBody && !/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      return sendError(res, new HttpError(415, 'BAD_REQUEST', 'Send application/json'));
    }
    const readable = origin !== undefined && (path === '/auth/token' ? deps.tokenOrigins.includes(origin) : deps.allowOrigin(origin));
    if (origin && readable) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-credentials', 'true');
      res.setHeader('vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
      res.setHeader(
        'access-control-allow-headers',
        req.headers['access-control-request-headers'] ?? 'content-type, authorization',
      );
      res.setHeader('access-control-max-age', '600');
      res.writeHead(204);
      res.end();
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return sendError(res, new HttpError(400, 'BAD_REQUEST', 'Bad URL'));
    }
    route(req, res, url).catch((error: unknown) => {
      if (res.headersSent) return;
      if (error instanceof HttpError) return sendError(res, error);
      deps.logger.error(`${req.method} ${url.pathname} failed`, error);
      sendError(res, new HttpError(500, 'INTERNAL', 'Internal server error'));
    });
  };
}
