/** Origins allowed when `CLIENT_URL` is unset: the Vite dev server and Storybook, by both host names. */
export const DEFAULT_CLIENT_URLS: readonly string[] = [
  'http://localhost:5173',
  'http://127.0.0.1:5173',
  'http://localhost:6006',
  'http://127.0.0.1:6006',
];

/**
 * Allowed CORS origins: the option, else env `CLIENT_URL` (comma separated),
 * else the dev defaults. `*` allows any origin (reflected, so credentials work).
 */
export function resolveClientUrls(option?: string | string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = option ?? env.CLIENT_URL;
  if (raw === undefined || raw === '' || (Array.isArray(raw) && raw.length === 0)) return [...DEFAULT_CLIENT_URLS];
  const list = Array.isArray(raw) ? raw : raw.split(',');
  return list.map((url) => url.trim().replace(/\/+$/, '')).filter((url) => url.length > 0);
}

/** Whether a request's `Origin` may read the answer. */
export function isAllowedOrigin(origin: string, allowed: readonly string[]): boolean {
  return allowed.includes('*') || allowed.includes(origin);
}

/** Host names of the local machine, as they appear in an `Origin` (IPv6 in brackets). */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether an origin is `http(s)://localhost`, `127.0.0.1` or `[::1]`, on any port. */
export function isLoopbackOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOSTS.has(url.hostname);
}

/** Decides whether a request's `Origin` may read the answer; logs each refused origin once. */
export type OriginPolicy = (origin: string) => boolean;

/** Options of `createOriginPolicy`. */
export interface OriginPolicyOptions {
  /** The allowed list (see `resolveClientUrls`); `*` allows any origin. */
  clientUrls: readonly string[];
  /**
   * Also allow loopback origins on any port (a static Storybook, `vite preview`
   * on :4173). The mock server turns this on unless `NODE_ENV=production`.
   * Default false: the strict list.
   */
  allowLoopback?: boolean | undefined;
  /** Where refused origins are reported, once each. */
  logger?: { warn(message: string): void } | undefined;
}

/** Distinct refused origins reported; past it they are still refused, not logged (a hostile client cannot grow the set). */
const MAX_LOGGED_REFUSALS = 100;

/**
 * The CORS decision for Socket.IO and an app's own routes. A refused origin is
 * logged once with how to allow it, because the browser only tells the client
 * `xhr poll error` / "CORS request did not succeed".
 *
 * @example
 * const allowOrigin = createOriginPolicy({ clientUrls: resolveClientUrls(), logger: console });
 * app.use((req, res, next) => {
 *   const origin = req.headers.origin;
 *   if (origin && allowOrigin(origin)) res.setHeader('access-control-allow-origin', origin);
 *   next();
 * });
 */
export function createOriginPolicy(options: OriginPolicyOptions): OriginPolicy {
  const refused = new Set<string>();
  return (origin) => {
    if (isAllowedOrigin(origin, options.clientUrls)) return true;
    if (options.allowLoopback === true && isLoopbackOrigin(origin)) return true;
    if (options.logger && !refused.has(origin) && refused.size < MAX_LOGGED_REFUSALS) {
      refused.add(origin);
      options.logger.warn(
        `CORS: refused origin ${origin} (allowed: ${options.clientUrls.join(', ')}). ` +
          `To allow it, add it to CLIENT_URL (comma separated) or the clientUrl option, e.g. CLIENT_URL=${[...options.clientUrls, origin].join(',')}`,
      );
    }
    return false;
  };
}
