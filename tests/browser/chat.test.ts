/**
 * Real Chromium, two users, the built Storybook and the real server: chat
 * through ChatPanel with typing, presence flipping when a page closes, and an
 * outage (server stopped and restarted on the same port) that shows the
 * banner and delivers messages typed meanwhile exactly once.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from 'socketkit/protocol';
import { openStory, type StoryPage } from './support/pages.js';
import { ROOT } from './support/storybook.js';
import { SCREENSHOTS, setupBrowserFixture, type BrowserFixture } from './support/setup.js';

let fx: BrowserFixture;
const open: StoryPage[] = [];

beforeAll(async () => {
  fx = await setupBrowserFixture();
});
// Close every page a test opened, also when it failed: a left-over page keeps its user online.
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close().catch(() => undefined)));
});
afterAll(async () => {
  await fx?.close();
});

async function story(id: string, user: string): Promise<StoryPage> {
  const p = await openStory(fx.browser, fx.storybookUrl, fx.server.url, id, { user });
  open.push(p);
  return p;
}

const T = { timeout: 20_000 };

describe('ChatPanel in Chromium', () => {
  it('alice and bob chat and see each other typing', async () => {
    const alice = await story('chat-chatpanel--alice-and-bob', 'alice');
    const bob = await story('chat-chatpanel--alice-and-bob', 'bob');
    for (const { page } of [alice, bob]) {
      await page.locator('.sk-chat[data-status="joined"]').waitFor(T);
      await page.locator('.sb-dev-panel .sk-status[data-status="connected"]').waitFor(T);
    }
    await expectText(alice, '.sb-dev-panel strong', 'alice');
    await expectText(bob, '.sb-dev-panel strong', 'bob');

    const aliceBox = alice.page.getByRole('textbox', { name: 'Message' });
    await aliceBox.click();
    await alice.page.keyboard.type('Hi Bob, from Chromium');
    await bob.page.locator('.sk-typing', { hasText: 'Alice Martin is typing' }).waitFor(T);
    await alice.page.keyboard.press('Enter');
    await bob.page.locator('.sk-message-content', { hasText: 'Hi Bob, from Chromium' }).waitFor(T);
    await alice.page.locator('.sk-message[data-status="sent"][data-mine="true"]', { hasText: 'Hi Bob, from Chromium' }).waitFor(T);
    await bob.page.locator('.sk-typing[data-active="false"]').waitFor(T);

    const bobBox = bob.page.getByRole('textbox', { name: 'Message' });
    await bobBox.click();
    await bob.page.keyboard.type('Hello Alice!');
    await bob.page.keyboard.press('Shift+Enter');
    await bob.page.keyboard.type('Second line.');
    await bob.page.keyboard.press('Enter');
    await alice.page.locator('.sk-message-content', { hasText: 'Second line.' }).waitFor(T);
    expect(await alice.page.locator('.sk-message-content', { hasText: 'Hello Alice!' }).innerText()).toBe('Hello Alice!\nSecond line.');
    await bobBox.click();
    await bob.page.keyboard.type('one more thing');
    await alice.page.locator('.sk-typing', { hasText: 'Bob Chen is typing' }).waitFor(T);

    // The README's screenshot: alice's panel mid-conversation.
    const shot = join(SCREENSHOTS, 'chat-panel-live.png');
    await alice.page.locator('.sk-chat').screenshot({ path: shot, animations: 'disabled' });
    // The README's picture is refreshed on request only, so a test run leaves the tree clean.
    if (process.env.UPDATE_README_SCREENSHOT) {
      mkdirSync(join(ROOT, 'docs/images'), { recursive: true });
      copyFileSync(shot, join(ROOT, 'docs/images/chat-panel.png'));
    }
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });

  it('flips a presence badge to offline when the other page closes', async () => {
    const bob = await story('chat-chatpanel--alice-and-bob', 'bob');
    await bob.page.locator('.sb-dev-panel .sk-status[data-status="connected"]').waitFor(T);
    const alice = await story('presence-presencebadge--live', 'alice');
    const badge = alice.page.locator('.sk-presence').first();
    await alice.page.locator('.sk-presence[data-online="true"]').waitFor(T);
    expect(await badge.innerText()).toBe('Online');
    await bob.close();
    await alice.page.locator('.sk-presence[data-online="false"]').waitFor(T);
    expect(await badge.innerText()).toMatch(/^Last seen (now|\d+ seconds? ago)$/);
    expect(alice.errors).toEqual([]);
  });

  it('shows the banner while the server is down and delivers messages typed meanwhile exactly once', async () => {
    const alice = await story('chat-chatpanel--empty-conversation', 'alice');
    const bob = await story('chat-chatpanel--empty-conversation', 'bob');
    for (const { page } of [alice, bob]) await page.locator('.sk-chat[data-status="joined"]').waitFor(T);
    for (const { page } of [alice, bob]) await page.locator('.sk-empty').waitFor(T);

    await fx.stopServer();
    for (const { page } of [alice, bob]) await page.locator('.sk-banner[data-state="reconnecting"]').waitFor(T);
    expect(await alice.page.locator('.sk-banner').innerText()).toMatch(/Reconnecting/);
    await alice.page.locator('.sk-composer[data-queued="true"]').waitFor(T);

    const box = alice.page.getByRole('textbox', { name: 'Message' });
    await box.click();
    for (const text of ['typed while offline #1', 'typed while offline #2']) {
      await alice.page.keyboard.type(text);
      await alice.page.keyboard.press('Enter');
      await alice.page.locator('.sk-message[data-status="sending"]', { hasText: text }).waitFor(T);
    }

    const server = await fx.startServerAgain();
    for (const { page } of [alice, bob]) await page.locator('.sk-banner[data-state="hidden"]').waitFor({ state: 'attached', timeout: 40_000 });
    for (const text of ['typed while offline #1', 'typed while offline #2']) {
      await bob.page.locator('.sk-message-content', { hasText: text }).waitFor(T);
      await alice.page.locator('.sk-message[data-status="sent"]', { hasText: text }).waitFor(T);
    }
    // Exactly once: on both screens and in the server's store.
    for (const { page } of [alice, bob]) {
      expect(await page.locator('.sk-message-content', { hasText: 'typed while offline' }).count()).toBe(2);
    }
    const res = await fetch(`${server.url}/api/conversations/empty/messages?limit=50`, {
      headers: { authorization: `Bearer ${server.token('alice')}` },
    });
    const { messages } = (await res.json()) as { messages: Message[] };
    expect(messages.map((m) => m.content)).toEqual(['typed while offline #1', 'typed while offline #2']);
    // Only the expected network noise of a stopped server is in the console.
    for (const p of [alice, bob]) expect(p.errors.filter((e) => !isNetworkNoise(e))).toEqual([]);
  });

  it('loads older history when scrolled to the top, keeping the reading position, with bounded rows', async () => {
    const p = await story('chat-chatpanel--long-history', 'alice');
    await p.page.locator('.sk-chat[data-status="joined"] .sk-message').first().waitFor(T);
    const setSize = () =>
      p.page.evaluate(() => Number(document.querySelector('.sk-message-list [role="listitem"]')?.getAttribute('aria-setsize') ?? 0));
    const initial = await setSize();
    expect(initial).toBeGreaterThan(0);
    // Opens at the newest message.
    expect(await p.page.evaluate(() => {
      const l = document.querySelector('.sk-message-list')!;
      return l.scrollHeight - l.scrollTop - l.clientHeight;
    })).toBeLessThan(40);

    // Scroll to the top and, once the list has re-rendered there, remember the first message on
    // screen and where it is. Server latency keeps the older page in flight meanwhile.
    fx.server.setLatency(1500);
    const anchor = await p.page.evaluate(async () => {
      const l = document.querySelector<HTMLElement>('.sk-message-list')!;
      l.scrollTop = 0;
      for (let i = 0; i < 3; i++) await new Promise(requestAnimationFrame);
      const top = l.getBoundingClientRect().top;
      const first = [...l.querySelectorAll<HTMLElement>('.sk-message-content')].find((e) => e.getBoundingClientRect().bottom > top)!;
      return { text: first.textContent!, y: first.getBoundingClientRect().top - top, loading: l.dataset.loadingOlder };
    });
    expect(anchor.loading).toBe('true');
    await p.page.waitForFunction((n) => Number(document.querySelector('.sk-message-list [role="listitem"]')?.getAttribute('aria-setsize')) > n, initial, T);
    await p.page.locator('.sk-message-list[data-loading-older="false"]').waitFor({ state: 'attached', ...T });
    fx.server.setLatency(0);
    await p.page.evaluate(async () => {
      for (let i = 0; i < 3; i++) await new Promise(requestAnimationFrame);
    });
    const after = await p.page.evaluate((text) => {
      const l = document.querySelector<HTMLElement>('.sk-message-list')!;
      const el = [...l.querySelectorAll<HTMLElement>('.sk-message-content')].find((e) => e.textContent === text);
      return {
        y: el ? el.getBoundingClientRect().top - l.getBoundingClientRect().top : null,
        rows: l.querySelectorAll('[role="listitem"]').length,
      };
    }, anchor.text);
    // The message that was on top is still on screen, where it was (give or take re-measuring).
    expect(after.y).not.toBeNull();
    expect(Math.abs(after.y! - anchor.y)).toBeLessThan(80);
    expect(after.rows).toBeLessThan(80);
    expect(await setSize()).toBeGreaterThan(initial);
    expect(p.errors).toEqual([]);
  });
});

async function expectText(p: StoryPage, selector: string, text: string) {
  expect(await p.page.locator(selector).first().innerText()).toBe(text);
}

/** What Chromium logs by itself when a server it talks to goes away. */
export function isNetworkNoise(text: string): boolean {
  return /Failed to load resource|WebSocket connection to .* failed|net::ERR_/.test(text);
}
