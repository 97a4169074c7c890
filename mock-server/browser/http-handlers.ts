/**
 * The in-page server's HTTP side, as MSW handlers: the bundled server's
 * development endpoints (`POST /auth/token`, `/dev/latency`,
 * `/dev/disconnect`, `/dev/reset`) and the REST routes stories use
 * (`GET /api/users`, `POST /api/notifications`), same shapes and status codes.
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import { z } from 'zod';
import { LIMITS } from 'socketkit/protocol';
import type { DevTokenResponse, NotificationResponse, StoredNotification, UsersResponse } from 'socketkit/protocol';
import type { ProfileClaims } from 'socketkit/server/portable';

/** What the HTTP handlers need from the in-page server. */
export interface InPageHttpDeps {
  signToken(claims: ProfileClaims): string;
  /** The user of a Bearer token, or null when it is not one of this server's tokens. */
  userOfToken(token: string): string | null;
  listUsers(): Promise<UsersResponse['users']>;
  /** Stores a notification for `userId` (protocol 1.2: unread, listed by `notification:list`). */
  storeNotification(input: { userId: string; title: string; body: string; link?: string }): StoredNotification;
  /** Emits to a user's sockets; how many got it. */
  sendToUser(userId: string, event: string, payload: unknown): number;
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
  expiresInS: z.int().min(1).optional(),
});
const latencySchema = z.object({ ms: z.int().min(0).max(60_000) });
const disconnectSchema = z.object({ userId: userIdSchema.optional() }).optional();
const notificationSchema = z.object({
  userId: userIdSchema,
  title: z.string().min(1).max(200),
  body: z.string().max(LIMITS.maxContentLength),
  link: z.string().max(2048).optional(),
});

const fail = (status: number, code: string, message: string) => HttpResponse.json({ error: { code, message } }, { status });

/** Parses a JSON body with `schema`; a bad body is a 400 the handler returns. */
async function body<T>(request: Request, schema: z.ZodType<T>): Promise<{ ok: true; value: T } | { ok: false; response: Response }> {
  const text = await request.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    return { ok: false, response: fail(400, 'BAD_REQUEST', 'Body is not JSON') };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, response: fail(400, 'BAD_REQUEST', parsed.error.issues.map((i) => i.message).join('; ')) };
  return { ok: true, value: parsed.data };
}

/** MSW handlers for the in-page server at `url` (an origin, no trailing slash). */
export function createHttpHandlers(url: string, deps: InPageHttpDeps): HttpHandler[] {
  const authenticated = (request: Request): string | null => {
    const match = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '');
    return match ? deps.userOfToken(match[1] ?? '') : null;
  };
  return [
    http.post(`${url}/auth/token`, async ({ request }) => {
      const parsed = await body(request, devTokenSchema);
      if (!parsed.ok) return parsed.response;
      const { expiresInS: _expiry, userId, ...profile } = parsed.value;
      return HttpResponse.json({ token: deps.signToken({ id: userId, ...profile }) } satisfies DevTokenResponse);
    }),
    http.post(`${url}/dev/latency`, async ({ request }) => {
      const parsed = await body(request, latencySchema);
      if (!parsed.ok) return parsed.response;
      deps.setLatency(parsed.value.ms);
      return HttpResponse.json({ ok: true, latencyMs: parsed.value.ms });
    }),
    http.post(`${url}/dev/disconnect`, async ({ request }) => {
      const parsed = await body(request, disconnectSchema);
      if (!parsed.ok) return parsed.response;
      deps.disconnectAll(parsed.value?.userId);
      return HttpResponse.json({ ok: true });
    }),
    http.post(`${url}/dev/reset`, () => {
      deps.reset();
      return HttpResponse.json({ ok: true });
    }),
    http.get(`${url}/api/users`, async ({ request }) => {
      if (!authenticated(request)) return fail(401, 'UNAUTHORIZED', 'Bearer token required');
      return HttpResponse.json({ users: await deps.listUsers() } satisfies UsersResponse);
    }),
    http.post(`${url}/api/notifications`, async ({ request }) => {
      if (!authenticated(request)) return fail(401, 'UNAUTHORIZED', 'Bearer token required');
      const parsed = await body(request, notificationSchema);
      if (!parsed.ok) return parsed.response;
      const { userId, title, body: text, link } = parsed.value;
      // Stored first (protocol 1.2), then sent as the server's notify() does.
      const notification = deps.storeNotification(link === undefined ? { userId, title, body: text } : { userId, title, body: text, link });
      const delivered = deps.sendToUser(userId, 'notification:new', notification);
      return HttpResponse.json({ notification, delivered } satisfies NotificationResponse, { status: 201 });
    }),
  ];
}
