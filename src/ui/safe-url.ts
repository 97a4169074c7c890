/**
 * `url` when it is safe to put in an `href`: http, https, or relative
 * (resolved the way a browser does, tabs, newlines and leading control
 * characters removed first). Anything else (`javascript:`, `data:`,
 * `vbscript:` …) gives `undefined`. React 19 blocks `javascript:` URLs itself,
 * React 18 renders them as given (issue 24 #5): the UI kit checks on every
 * version.
 *
 * @example
 * safeHref('/inbox') // '/inbox'
 * safeHref('java\tscript:alert(1)') // undefined
 */
export function safeHref(url: string | undefined): string | undefined {
  if (url === undefined || url === '') return undefined;
  try {
    const { protocol } = new URL(url, 'https://relative.invalid/');
    return protocol === 'http:' || protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}
