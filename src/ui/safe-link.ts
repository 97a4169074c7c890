/**
 * `link` when it is safe to render as a link: an http(s) URL or a relative
 * one. Anything else (`javascript:`, `data:`, …) is null: notifications come
 * from a server's API and their links must not run script in the app.
 * Parsed as a browser parses an `href`, so stray whitespace or control
 * characters cannot hide a scheme.
 */
export function safeHref(link: string | undefined | null): string | null {
  if (typeof link !== 'string' || link === '') return null;
  try {
    const { protocol } = new URL(link, 'https://relative.invalid/');
    return protocol === 'https:' || protocol === 'http:' ? link : null;
  } catch {
    return null;
  }
}
