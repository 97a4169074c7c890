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
