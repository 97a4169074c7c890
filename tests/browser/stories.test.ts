/**
 * Every story of the built Storybook (served on a random port) in real
 * Chromium, with no socketkit server running: stories run on the in-page
 * server (socketkit/mock-server/browser), as on any static host.
 * when Storybook reports it rendered, it already shows its real state (live
 * stories wait in their play function), it logs no console errors (no CORS
 * refusal), and axe-core finds no serious or critical violations (contrast
 * included). Key stories are also checked in the dark theme. Screenshots go
 * to test-artifacts/screenshots/.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { axeViolations, newStoryContext, openStory } from './support/pages.js';
import { ensureStorybookBuilt, ROOT, storyIndex } from './support/storybook.js';
import { SCREENSHOTS, setupStaticFixture, type StaticFixture } from './support/setup.js';

let fx: StaticFixture;
// One context for the stories (its HTTP cache keeps the 1 MB preview bundle); stories that
// register MSW's service worker get their own, so the worker does not outlive them.
let shared: BrowserContext;
beforeAll(async () => {
  fx = await setupStaticFixture();
  shared = await newStoryContext(fx.browser, null);
});
afterAll(async () => {
  await shared?.close();
  await fx?.close();
});

/**
 * What shows that a story reached the state it is about (default: it rendered and connected).
 * Kept here, apart from the stories' own `parameters.socketkit.ready`, as the test's own oracle.
 */
const READY: Record<string, string> = {
  'connection-connectionbanner--reconnecting': '.sk-banner[data-state="reconnecting"]',
  'connection-connectionbanner--offline': '.sk-banner[data-state="offline"]',
  'connection-connectionbanner--failed': '.sk-banner[data-state="failed"]',
  'connection-connectionbanner--unauthorized': '.sk-banner[data-state="unauthorized"]',
  'connection-connectionstatus--reconnecting': '.sk-status[data-status="reconnecting"]',
  'connection-connectionstatus--failed': '.sk-status[data-status="failed"]',
  'chat-chatpanel--offline': '.sk-banner[data-state="offline"]',
  'chat-messagecomposer--offline': '.sk-composer[data-queued="true"]',
  'chat-chatpanel--several-typing': '.sk-typing[data-active="true"]:has-text("3 people are typing")',
  'chat-chatpanel--empty-conversation': '.sk-empty',
  'chat-typingindicator--one-person': '.sk-typing:has-text("Bob Chen is typing")',
  'chat-typingindicator--two-people': '.sk-typing:has-text("Bob Chen and Carol Díaz are typing")',
  'chat-typingindicator--several-people': '.sk-typing:has-text("3 people are typing")',
  'notifications-notificationtoaster--live': '.sk-toast',
  'presence-avatarstack--many-online': '.sk-avatar-more',
  'presence-avatarstack--few-online': '.sk-avatar-stack[data-count="3"]',
  'presence-presencebadge--online': '.sk-presence[data-online="true"]',
  'presence-presencelist--directory-unavailable': '.sb-note',
  'presence-presencelist--team': '.sk-presence[data-online="true"]',
  'inbox-conversationlist--live': '.sk-conversations[data-status="ready"] .sk-conversation',
  'inbox-conversationlist--two-devices-of-one-user': '[aria-label="Laptop"] .sk-conversations[data-status="ready"] .sk-conversation',
  'inbox-notificationinbox--live': '.sk-inbox-item, .sk-inbox .sk-list-note',
  'inbox-notificationinbox--two-devices-of-one-user': '[aria-label="Laptop"] :is(.sk-inbox-item, .sk-list-note)',
};
const CHAT_READY = '.sk-chat[data-status="joined"] .sk-message';
const CONNECTED = '.sb-dev-panel .sk-status[data-status="connected"], .sk-status[data-status="connected"]';

/** Shown in dark as well as light. */
const DARK = new Set([
  'chat-messagelist--states',
  'connection-connectionbanner--failed',
  'presence-presencelist--team',
  'notifications-notificationtoaster--live',
]);

// The cases come from the built index, so the build (when stale) happens at collection.
ensureStorybookBuilt();
const stories = storyIndex();

// Network noise a story tagged `network-errors` provokes on purpose: refused or dead connections,
// a long-poll racing its session's close (400), the failing directory of the MSW story.
const networkNoise = (text: string) =>
  /Failed to load resource|WebSocket connection to .* failed|net::ERR_|^HTTP 400 .*\/socket\.io\/|^HTTP 500 .*\/api\/users$/.test(text);

const cases = stories.flatMap((s) => [
  { ...s, theme: 'light' },
  ...(DARK.has(s.id) ? [{ ...s, theme: 'dark' }] : []),
]);

describe('every story in Chromium', () => {
  it('the Storybook index lists the stories', () => {
    expect(stories.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('$title / $name ($theme)', async ({ id, tags, theme }) => {
    const narrow = id.endsWith('--mobile');
    const p = await openStory(fx.browser, fx.storybookUrl, null, id, {
      user: 'alice',
      globals: { theme },
      viewport: narrow ? { width: 390, height: 844 } : undefined,
      context: tags.includes('msw') ? undefined : shared,
    });
    try {
      const ready = READY[id] ?? (id.startsWith('chat-chatpanel--') ? CHAT_READY : id.startsWith('chat-messagelist--') ? '.sk-message-list' : null);
      await p.rendered().catch((error: Error) => {
        throw new Error(`${error.message}\nStorybook never reported ${id} rendered. Console: ${p.errors.join(' | ')}`);
      });
      // Rendered means real: the state is on screen at once, not after more waiting.
      const wait = ready ?? ((await p.page.locator('.sk-status').count()) ? CONNECTED : null);
      if (wait) {
        const shown = await p.page.locator(wait).count();
        if (shown === 0) {
          // Say what the story showed instead, so a failure in CI can be read without a rerun.
          const text = await p.page.locator('#storybook-root').innerText().catch(() => '?');
          throw new Error(`Rendered without ${wait}.\nThe story showed: ${text.replace(/\s+/g, ' ').slice(0, 400)}\nConsole: ${p.errors.join(' | ')}`);
        }
      }
      expect(await p.page.getByText(/Signing in/).count()).toBe(0);
      // A story may fix its theme (ChatPanel/Dark); the others follow the toolbar global.
      const expected = id.endsWith('--dark') ? 'dark' : theme;
      expect(await p.page.locator(`#storybook-root [data-theme="${expected}"]`).count()).toBe(1);
      expect(await axeViolations(p.page)).toEqual([]);
      await p.page.screenshot({ path: join(SCREENSHOTS, `${id}${theme === 'dark' ? '--dark' : ''}.png`), animations: 'disabled' });
      const errors = tags.includes('network-errors') ? p.errors.filter((e) => !networkNoise(e)) : p.errors;
      expect(errors).toEqual([]);
    } finally {
      await p.close();
    }
  });
});

describe('AvatarStack in Chromium', () => {
  it('keeps every avatar\'s initials whole in the stack, each user in their own palette colour', async () => {
    const p = await openStory(fx.browser, fx.storybookUrl, null, 'presence-avatarstack--many-online', { user: 'alice', context: shared });
    try {
      await p.rendered();
      const layout = await p.page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('.sk-avatar-stack > .sk-avatar')].map((avatar) => {
          const range = document.createRange();
          range.selectNodeContents(avatar);
          const text = range.getBoundingClientRect();
          const box = avatar.getBoundingClientRect();
          return { text: avatar.textContent, textRight: text.right, left: box.left, colour: getComputedStyle(avatar).backgroundColor };
        }),
      );
      expect(layout.length).toBeGreaterThanOrEqual(5);
      for (let i = 0; i < layout.length - 1; i++) {
        // The next avatar (and its 2 px ring) starts after this one's initials end.
        expect(layout[i + 1]!.left - 2, `${layout[i]!.text} is covered by ${layout[i + 1]!.text}`).toBeGreaterThanOrEqual(layout[i]!.textRight);
      }
      const userColours = new Set(layout.slice(0, -1).map((a) => a.colour));
      expect(userColours.size).toBeGreaterThan(1);
    } finally {
      await p.close();
    }
  });
});

describe('chat with nobody else running', () => {
  it('shows a message a second user sent in the live chat story', async () => {
    const p = await openStory(fx.browser, fx.storybookUrl, null, 'chat-chatpanel--bob-replies', { user: 'alice', context: shared });
    try {
      await p.rendered();
      const box = p.page.getByRole('textbox', { name: 'Message' });
      await box.click();
      await p.page.keyboard.type('Hello from a static Storybook');
      await p.page.keyboard.press('Enter');
      await p.page.locator('.sk-message[data-status="sent"][data-mine="true"]', { hasText: 'Hello from a static Storybook' }).waitFor({ timeout: 20_000 });
      const reply = p.page.locator('.sk-message:not([data-mine="true"])', { hasText: 'Got it: “Hello from a static Storybook”' });
      await reply.waitFor({ timeout: 20_000 });
      expect(await reply.count()).toBe(1);
      const shot = join(SCREENSHOTS, 'chat-chatpanel--bob-replies.png');
      await p.page.screenshot({ path: shot, animations: 'disabled' });
      // docs/in-page-server.md's picture, refreshed on request only (a test run leaves the tree clean).
      if (process.env.UPDATE_README_SCREENSHOT) copyFileSync(shot, join(ROOT, 'docs/images/static-storybook-chat.png'));
      expect(p.errors).toEqual([]);
    } finally {
      await p.close();
    }
  });
});
