/**
 * Real Chromium for the browser suite, driven by playwright-core. Uses
 * Debian's `chromium` (CHROMIUM_PATH overrides); installs it when missing and
 * we are root, otherwise fails with what to do.
 */
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Makes sure the Chromium binary exists. */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM_PATH)) return;
  if (process.getuid?.() === 0 && !process.env.CHROMIUM_PATH) {
    console.log('[browser] installing Debian chromium (apt-get)…');
    execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit' });
    if (existsSync(CHROMIUM_PATH)) return;
  }
  throw new Error(
    `Chromium not found at ${CHROMIUM_PATH}. Install it (Debian: sudo apt-get install chromium) or set CHROMIUM_PATH to a Chromium binary.`,
  );
}

/**
 * Launches headless Chromium. playwright-core refuses `--user-data-dir` in
 * `launch()` and gives every launch its own temporary profile instead, removed on close.
 */
export async function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  ensureChromium();
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}
