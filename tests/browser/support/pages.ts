/**
 * Opening stories in Chromium: a live server's URL is injected before any
 * script runs (or none: the in-page server), console errors are collected,
 * axe-core can be injected.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** A page with the console errors it logged. */
export interface StoryPage {
  /** Resolves when Storybook reports the story rendered (after its play function). */
  rendered(timeoutMs?: number): Promise<void>;
  page: Page;
  context: BrowserContext;
  errors: string[];
  close(): Promise<void>;
}

/**
 * A context (own storage, cache and service workers) whose pages reach the
 * live server at `serverUrl`, or (null) run on Storybook's in-page server.
 */
export async function newStoryContext(browser: Browser, serverUrl: string | null): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 760 }, reducedMotion: 'reduce' });
  await context.addInitScript((url) => {
    if (url !== null) (window as unknown as { __SOCKETKIT_SERVER_URL__: string }).__SOCKETKIT_SERVER_URL__ = url;
    // Record Storybook's `storyRendered` (emitted after the play function): the preview
    // sets its channel on this global, so a setter sees it before any story renders.
    const w = window as unknown as { __SK_RENDERED__: string[]; __STORYBOOK_ADDONS_CHANNEL__?: unknown };
    w.__SK_RENDERED__ = [];
    let channel: unknown;
    Object.defineProperty(window, '__STORYBOOK_ADDONS_CHANNEL__', {
      configurable: true,
      get: () => channel,
      set(next: { on(event: string, listener: (id: string) => void): void }) {
        channel = next;
        next.on('storyRendered', (id) => void w.__SK_RENDERED__.push(id));
      },
    });
  }, serverUrl);
  return context;
}

/**
 * Opens a story in its own page. Pass `context` to share one (and its HTTP
 * cache) between stories; otherwise the page gets a fresh context of its own.
 */
export async function openStory(
  browser: Browser,
  storybookUrl: string,
  serverUrl: string | null,
  id: string,
  {
    user,
    globals = {},
    viewport,
    context: shared,
  }: { user?: string; globals?: Record<string, string>; viewport?: { width: number; height: number }; context?: BrowserContext } = {},
): Promise<StoryPage> {
  const context = shared ?? (await newStoryContext(browser, serverUrl));
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  // Chromium's "Failed to load resource" does not say which: keep the URL next to it.
  page.on('response', (res) => {
    if (res.status() >= 400) errors.push(`HTTP ${res.status()} ${res.url()}`);
  });
  // `a11y.manual`: the a11y addon would run its own axe after each render; the test runs axe itself.
  const g = Object.entries({ ...(user ? { user } : {}), 'a11y.manual': '!true', ...globals })
    .map(([k, v]) => `${k}:${v}`)
    .join(';');
  await page.goto(`${storybookUrl}/iframe.html?id=${id}&viewMode=story&globals=${g}`);
  await page.waitForFunction(() => (document.querySelector('#storybook-root')?.childElementCount ?? 0) > 0, null, { timeout: 20_000 });
  const rendered = async (timeoutMs = 45_000) => {
    await page.waitForFunction((storyId) => (window as unknown as { __SK_RENDERED__: string[] }).__SK_RENDERED__.includes(storyId), id, {
      timeout: timeoutMs,
    });
  };
  return { page, context, errors, rendered, close: () => (shared ? page.close() : context.close()) };
}

/** Serious and critical axe-core violations on the page, as readable strings. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; impact?: string | null; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run(document.querySelector('#storybook-root') ?? document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  });
  return violations;
}
