/**
 * The static Storybook for the browser suite: built when missing or older
 * than its sources, served by a tiny node:http server on an ephemeral port.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../../..');
export const STATIC_DIR = join(ROOT, 'storybook-static');
// What the Storybook bundles (the in-page server included: its portable server parts).
const SOURCES = ['src/core', 'src/react', 'src/ui', 'src/devtools', 'src/protocol', 'src/server', 'mock-server', 'stories', '.storybook', 'public', 'package.json'];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/**
 * Builds `storybook-static/` unless it is newer than every source.
 * STORYBOOK_REBUILD=1 forces a build; SKIP_STORYBOOK_BUILD=1 uses any existing one (local iteration).
 */
export function ensureStorybookBuilt(): void {
  const index = join(STATIC_DIR, 'index.json');
  if (process.env.SKIP_STORYBOOK_BUILD && existsSync(index)) return;
  const fresh =
    existsSync(index) &&
    !process.env.STORYBOOK_REBUILD &&
    SOURCES.every((s) => statSync(index).mtimeMs > newestMtime(join(ROOT, s)));
  if (fresh) return;
  console.log('[browser] building the static Storybook…');
  const started = Date.now();
  execFileSync('npm', ['run', 'build-storybook'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1' },
  });
  console.log(`[browser] Storybook built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

/** Serves `dir` on 127.0.0.1, port 0. */
export async function serveStatic(dir = STATIC_DIR): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(dir, path));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** Entries of the built Storybook's index. */
export function storyIndex(): { id: string; title: string; name: string; tags: string[] }[] {
  const { entries } = JSON.parse(readFileSync(join(STATIC_DIR, 'index.json'), 'utf8')) as {
    entries: Record<string, { type: string; id: string; title: string; name: string; tags?: string[] }>;
  };
  return Object.values(entries)
    .filter((e) => e.type === 'story')
    .map((e) => ({ id: e.id, title: e.title, name: e.name, tags: e.tags ?? [] }));
}
