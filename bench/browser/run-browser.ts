/**
 * The Chromium render benchmark: serves bench/browser/ with Vite (sources
 * resolved as in the repo's tests), opens it in headless Chromium through
 * playwright-core, renders a 10,000-message `<MessageList>` and appends 100
 * messages at 50/s. Chromium: `CHROMIUM_PATH`, else /usr/bin/chromium,
 * else playwright's own download if one is installed.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { chromium } from 'playwright-core';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, preview, type InlineConfig } from 'vite';

/** Figures of the browser benchmark (ms unless named otherwise). */
export interface BrowserResult {
  messages: number;
  renderMs: number;
  rowsInDom: number;
  appends: number;
  appendMs: number;
  /** Render + commit of one append (flushSync), median and worst. */
  appendCommitP50Ms: number;
  appendCommitMaxMs: number;
  frames: number;
  framesOver50ms: number;
  worstFrameMs: number;
  longTasks: number;
  rowsInDomAfter: number;
  lastMessageVisible: boolean;
}

const r = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

function chromiumPath(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  return candidates.find((p): p is string => !!p && existsSync(p));
}

/** Runs the browser benchmark once (quick: 2,000 messages, 20 appends). */
export async function runBrowserBench(options: { quick: boolean }): Promise<BrowserResult> {
  if (!existsSync(r('../../src/ui/index.ts'))) throw new Error('pending: src/ui does not exist yet');
  // A production build: React's development mode would measure React's checks, not the UI kit.
  const outDir = mkdtempSync(join(tmpdir(), 'socketkit-bench-'));
  const config: InlineConfig = {
    configFile: false,
    root: r('.'),
    logLevel: 'error',
    mode: 'production',
    plugins: [react()],
    resolve: {
      alias: [
        { find: /^socketkit\/ui\/styles\.css$/, replacement: r('../../src/ui/styles.css') },
        { find: /^socketkit\/ui$/, replacement: r('../../src/ui/index.ts') },
        { find: /^socketkit\/react$/, replacement: r('../../src/react/index.ts') },
        { find: /^socketkit\/protocol$/, replacement: r('../../src/protocol/index.ts') },
        { find: /^socketkit$/, replacement: r('../../src/core/index.ts') },
      ],
    },
    build: { outDir, emptyOutDir: true, minify: true },
    preview: { host: '127.0.0.1', port: 0, strictPort: false },
  };
  await build(config);
  const server = await preview(config);
  const url = server.resolvedUrls?.local[0];
  const executablePath = chromiumPath();
  const browser = await chromium.launch({
    ...(executablePath ? { executablePath } : {}),
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
    timeout: 60_000,
  });
  try {
    if (!url) throw new Error('vite did not report its url');
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url, { timeout: 120_000 });
    await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 }).catch(() => {
      throw new Error(`page did not load: ${errors.join('; ') || 'no error reported'}`);
    });
    const [n, appends] = options.quick ? [2_000, 20] : [10_000, 100];
    const result = await page.evaluate(
      ([count, more]) => (window as unknown as { __runBench(n: number, a: number): Promise<BrowserResult> }).__runBench(count, more),
      [n, appends] as const,
    );
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
    return result;
  } finally {
    await browser.close();
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}
