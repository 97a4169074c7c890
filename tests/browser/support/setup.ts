/**
 * One browser-suite fixture: Chromium, the static Storybook served on an
 * ephemeral port, and the real bundled server with its default CORS (no
 * `clientUrl`): in development it allows loopback origins on any port, which
 * is what lets a static Storybook on a random port talk to it (issue 10).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { MockServerOptions } from 'socketkit/mock-server';
import { startServer, type TestServer } from '../../support/server.js';
import { launchChromium } from './chromium.js';
import { ROOT, ensureStorybookBuilt, serveStatic } from './storybook.js';

export const SCREENSHOTS = join(ROOT, 'test-artifacts/screenshots');

export interface BrowserFixture {
  browser: Browser;
  storybookUrl: string;
  server: TestServer;
  /** Stops the server and starts a new one on the same port (seed state again). */
  restartServer(): Promise<TestServer>;
  stopServer(): Promise<void>;
  startServerAgain(): Promise<TestServer>;
  close(): Promise<void>;
}

export async function setupBrowserFixture(options: MockServerOptions = {}): Promise<BrowserFixture> {
  ensureStorybookBuilt();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const storybook = await serveStatic();
  // The static Storybook's origin may read POST /auth/token (only configured client origins may: docs/security.md).
  const serverOptions: MockServerOptions = { clientUrl: new URL(storybook.url).origin, ...options };
  let server: TestServer | null = await startServer(serverOptions);
  const port = server.port;
  const chromium = await launchChromium();
  const fixture: BrowserFixture = {
    browser: chromium.browser,
    storybookUrl: storybook.url,
    get server() {
      if (!server) throw new Error('server is stopped');
      return server;
    },
    async stopServer() {
      await server?.cleanup();
      server = null;
    },
    async startServerAgain() {
      server = await startServer({ ...serverOptions, port });
      return server;
    },
    async restartServer() {
      await fixture.stopServer();
      return fixture.startServerAgain();
    },
    async close() {
      await chromium.close();
      await server?.cleanup();
      await storybook.close();
    },
  };
  return fixture;
}

/** Chromium and the static Storybook on an ephemeral port, and no socketkit server anywhere: stories run on the in-page server. */
export interface StaticFixture {
  browser: Browser;
  storybookUrl: string;
  close(): Promise<void>;
}

export async function setupStaticFixture(): Promise<StaticFixture> {
  ensureStorybookBuilt();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const storybook = await serveStatic();
  const chromium = await launchChromium();
  return {
    browser: chromium.browser,
    storybookUrl: storybook.url,
    async close() {
      await chromium.close();
      await storybook.close();
    },
  };
}
