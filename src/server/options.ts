/**
 * Checks the configuration handed to `createSocketkitServer` (and
 * `initializeChatSocket`) once, before anything starts, so a wrong option is a
 * `TypeError` naming it (`createSocketkitServer: options.clientUrl: expected
 * string, received number`) instead of a raw `TypeError` from deep inside
 * (`raw.split is not a function`). Unknown keys pass: the types say what exists.
 */
import { z } from 'zod';
import type { SocketkitServerOptions } from './types.js';

const isFunction = (value: unknown): boolean => typeof value === 'function';
const fn = (what: string) => z.custom<(...args: never[]) => unknown>(isFunction, { message: `expected ${what}` });
const optionalFunction = (what: string) => fn(what).optional();
const duration = z.number().finite().nonnegative().optional();
/** Object with these methods (a store, a logger, a cluster). */
const withMethods = (what: string, methods: readonly string[]) =>
  z.custom<object>(
    (value) => typeof value === 'object' && value !== null && methods.every((m) => isFunction((value as Record<string, unknown>)[m])),
    { message: `expected ${what} with ${methods.map((m) => `${m}()`).join(', ')}` },
  );

/** The methods every store must have (docs/server.md, "Store interface"). */
const STORE_METHODS = [
  'getUser',
  'listUsers',
  'upsertUser',
  'getConversation',
  'listConversations',
  'createConversation',
  'isParticipant',
  'lastSeq',
  'appendMessage',
  'history',
] as const;

const serverOptionsSchema = z.looseObject({
  secret: z.union([z.string(), fn('a string or a function returning one')], { message: 'expected a string or a function returning one' }).optional(),
  jwt: z.looseObject({}).optional(),
  store: withMethods('a store', STORE_METHODS).optional(),
  presenceGraceMs: duration,
  presenceBatchMs: duration,
  rateLimit: z.union([z.literal(false), z.looseObject({})], { message: 'expected false or { burst, perSecond }' }).optional(),
  typingTimeoutMs: duration,
  logger: withMethods('a logger', ['info', 'warn', 'error']).optional(),
  quiet: z.boolean().optional(),
  clientUrl: z.union([z.string(), z.array(z.string())], { message: 'expected a string or an array of strings' }).optional(),
  allowOrigin: optionalFunction('a function (origin) => boolean'),
  pingIntervalMs: duration,
  pingTimeoutMs: duration,
  maxOutboundBufferBytes: duration,
  connectionStateRecovery: z.boolean().optional(),
  cluster: withMethods('a cluster (socketkit/server/redis)', ['createPresence']).optional(),
  path: z.string().startsWith('/').optional(),
});

/** `path.to.key` for an issue path. */
function describePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`), 'options');
}

/**
 * Throws a `TypeError` naming the first wrong option, or the target when it is
 * neither an `http.Server` nor a Socket.IO `Server`.
 */
export function checkServerOptions(caller: string, target: unknown, options: unknown): asserts options is SocketkitServerOptions {
  if (typeof target !== 'object' || target === null || typeof (target as { on?: unknown }).on !== 'function') {
    throw new TypeError(`${caller}: the first argument must be an http.Server or a Socket.IO Server, got ${target === null ? 'null' : typeof target}`);
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${caller}: options must be an object, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`);
  }
  const result = serverOptionsSchema.safeParse(options);
  if (result.success) return;
  const issue = result.error.issues[0]!;
  throw new TypeError(`${caller}: ${describePath(issue.path)}: ${issue.message} (docs/server.md lists the options)`);
}
