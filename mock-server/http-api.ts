import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { LIMITS } from 'socketkit/protocol';
import type {
  ConversationCreateResult,
  ConversationsResponse,
  DevTokenResponse,
  HealthResponse,
  MessagesResponse,
  Notification,
  NotificationResponse,
  UsersResponse,
} from 'socketkit/protocol';
import { AuthError, bearerToken, verificationKey, verifyToken } from 'socketkit/server';
import type { AuthIdentity, JwtOptions, SocketkitLogger, SocketkitServer } from 'socketkit/server';
import { HttpError, intParam, readJsonBody, sendError, sendJson } from './http-util.js';

/** What the HTTP API needs from the mock server. */
export interface HttpApiDeps {
  socketkit: SocketkitServer;
  secret: string;
  jwt: JwtOptions | undefined;
  /** CORS decision shared with Socket.IO (`createOriginPolicy`). */
  allowOrigin: (origin: string) => boolean;
  devEndpoints: boolean;
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
const createConversationSchema = z.object({
  participantIds: z.array(userIdSchema).max(LIMITS.maxParticipants),
  title: z.string().max(LIMITS.maxTitleLength).nullable().optional(),
});
const notificationSchema = z.object({
  userId: userIdSchema,
  title: z.string().min(1).max(200),
  body: z.string().max(LIMITS.maxContentLength),
  link: z.string().max(2048).optional(),
});

const ROUTE_METHODS: Record<string, string> = {
  '/health': 'GET',
  '/api/users': 'GET',
  '/api/conversations': 'GET, POST',
  '/api/notifications': 'POST',
};
const DEV_ROUTES = new Set(['/auth/token', '/dev/latency', '/dev/disconnect', '/dev/reset']);

/** The methods a known path answers (for 405), or undefined for an unknown path. */
function allowedMethods(path: string, devEndpoints: boolean): string | undefined {
  if (DEV_ROUTES.has(path)) return devEndpoints ? 'POST' : undefined;
  if (/^\/api\/conversations\/[^/]+\/messages$/.test(path)) return 'GET';
  return ROUTE_METHODS[path];
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', 'Malformed conversation id');
  }
}

function parseBody<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new HttpError(400, 'BAD_REQUEST', `Invalid body: ${where}${issue?.message ?? 'wrong shape'}`);
}

/** The mock server's request listener: the spec's REST endpoints, dev endpoints and CORS. */
export function createHttpApi(deps: HttpApiDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { socketkit } = deps;
  const store = socketkit.store;
  const key = verificationKey(deps.secret, deps.jwt);

  const authenticate = (req: IncomingMessage): AuthIdentity => {
    try {
      return verifyToken(bearerToken(req.headers.authorization), key, deps.jwt);
    } catch (error) {
      const code = error instanceof AuthError ? error.code : 'TOKEN_INVALID';
      throw new HttpError(401, 'UNAUTHORIZED', `Bearer token required (${code})`);
    }
  };

  const requireDev = () => {
    if (!deps.devEndpoints) throw new HttpError(404, 'NOT_FOUND', 'Not found');
  };

  const route = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const key = `${method} ${path}`;

    if (key === 'GET /health') {
      const health: HealthResponse = {
        ok: true,
        connections: socketkit.io.engine.clientsCount,
        uptimeS: Math.round((Date.now() - deps.startedAt) / 1000),
      };
      return sendJson(res, 200, health);
    }
    if (key === 'POST /auth/token') {
      requireDev();
      const body = parseBody(devTokenSchema, await readJsonBody(req));
      const { expiresInS, ...claims } = body;
      const answer: DevTokenResponse = { token: deps.signToken(claims, { expiresInS: expiresInS ?? 3600 }) };
      return sendJson(res, 200, answer);
    }
    if (key === 'POST /dev/latency') {
      requireDev();
      const { ms } = parseBody(latencySchema, await readJsonBody(req));
      deps.setLatency(ms);
      return sendJson(res, 200, { ok: true, latencyMs: ms });
    }
    if (key === 'POST /dev/disconnect') {
      requireDev();
      const body = parseBody(disconnectSchema, await readJsonBody(req));
      deps.disconnectAll(body?.userId);
      return sendJson(res, 200, { ok: true });
    }
    if (key === 'POST /dev/reset') {
      requireDev();
      deps.reset();
      return sendJson(res, 200, { ok: true });
    }
    if (key === 'GET /api/users') {
      authenticate(req);
      const users = (await store.listUsers()).map((u) => ({ ...u, online: socketkit.isUserOnline(u.id) }));
      return sendJson(res, 200, { users } satisfies UsersResponse);
    }
    if (key === 'GET /api/conversations') {
      const { userId } = authenticate(req);
      return sendJson(res, 200, { conversations: await store.listConversations(userId) } satisfies ConversationsResponse);
    }
    if (key === 'POST /api/conversations') {
      const { userId } = authenticate(req);
      const body = parseBody(createConversationSchema, await readJsonBody(req));
      const participantIds = [...new Set([userId, ...body.participantIds])];
      if (participantIds.length > LIMITS.maxParticipants) {
        throw new HttpError(400, 'BAD_REQUEST', `At most ${LIMITS.maxParticipants} participants`);
      }
      const title = body.title?.trim() || null;
      const conversation = await store.createConversation({ participantIds, title, createdBy: userId });
      return sendJson(res, 201, { conversation } satisfies ConversationCreateResult);
    }
    const messages = /^\/api\/conversations\/([^/]+)\/messages$/.exec(path);
    if (messages && method === 'GET') {
      const { userId } = authenticate(req);
      const conversationId = safeDecode(messages[1] as string);
      const member = await store.isParticipant(conversationId, userId);
      if (member === undefined) throw new HttpError(404, 'NOT_FOUND', `Conversation ${conversationId} not found`);
      if (!member) throw new HttpError(403, 'FORBIDDEN', `Not a participant of conversation ${conversationId}`);
      const afterSeq = intParam(url.searchParams, 'afterSeq', 0);
      const beforeSeq = intParam(url.searchParams, 'beforeSeq', 0);
      const limit = Math.min(intParam(url.searchParams, 'limit', 1) ?? LIMITS.historyDefaultLimit, LIMITS.historyMaxLimit);
      const page: MessagesResponse = await store.history({ conversationId, afterSeq, beforeSeq, limit });
      return sendJson(res, 200, page);
    }
    if (key === 'POST /api/notifications') {
      authenticate(req);
      const body = parseBody(notificationSchema, await readJsonBody(req));
      const notification: Notification = {
        id: randomUUID(),
        title: body.title,
        body: body.body,
        createdAt: new Date().toISOString(),
      };
      if (body.link !== undefined) notification.link = body.link;
      const delivered = socketkit.sendToUser(body.userId, 'notification:new', notification);
      return sendJson(res, 201, { notification, delivered } satisfies NotificationResponse);
    }
    const allowed = allowedMethods(path, deps.devEndpoints);
    if (allowed) {
      res.setHeader('allow', `${allowed}, OPTIONS`);
      throw new HttpError(405, 'BAD_REQUEST', `${method} not allowed on ${path} (use ${allowed})`);
    }
    throw new HttpError(404, 'NOT_FOUND', `No route ${method} ${path}`);
  };

  return (req, res) => {
    const origin = req.headers.origin;
    if (origin && deps.allowOrigin(origin)) {
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
