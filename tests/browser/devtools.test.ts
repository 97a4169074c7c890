/**
 * The devtools panel in real Chromium, on the static Storybook with no
 * socketkit server running (the in-page server): a message sent in the chat
 * shows in the panel as sent, then acked with its round trip, and the
 * panel's views show the conversation's seq cursor, the watched participant
 * and an outbox emptied by the ack. The static Storybook builds socketkit's
 * sources as development code (.storybook/main.ts), so the client traces.
 *
 * The screenshots of docs/devtools.md are taken here on every run (into the
 * suite's screenshots folder) and copied to docs/images/ on request only
 * (`UPDATE_README_SCREENSHOT=1`, as the chat test does), so a test run
 * leaves the tree clean.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStory } from './support/pages.js';
import { ROOT } from './support/storybook.js';
import { SCREENSHOTS, setupStaticFixture, type StaticFixture } from './support/setup.js';

const STORY = 'devtools-socketkitdevtools--with-chat';
const IMAGES = join(ROOT, 'docs/images');

/** Takes a screenshot into the suite's folder; refreshes docs/images/ when asked to. */
async function shoot(target: { screenshot(options: { path: string; animations: 'disabled' }): Promise<unknown> }, name: string): Promise<void> {
  const path = join(SCREENSHOTS, name);
  await target.screenshot({ path, animations: 'disabled' });
  if (process.env.UPDATE_README_SCREENSHOT) copyFileSync(path, join(IMAGES, name));
}
const T = { timeout: 20_000 };

let fx: StaticFixture;
beforeAll(async () => {
  fx = await setupStaticFixture();
  mkdirSync(IMAGES, { recursive: true });
});
afterAll(async () => {
  await fx?.close();
});

describe('SocketkitDevtools in Chromium', () => {
  it("shows a sent message's ack and round trip, the conversation's seq cursor and the watched participant", async () => {
    const p = await openStory(fx.browser, fx.storybookUrl, null, STORY, { user: 'alice', viewport: { width: 1280, height: 900 } });
    try {
      await p.rendered();
      const panel = p.page.locator('.sk-devtools');
      await panel.locator('.sk-devtools-status', { hasText: 'connected' }).waitFor(T);
      // The join went out and was acked, and the chat's participant is watched.
      await panel.locator('.sk-devtools-entry[data-kind="acked"]', { hasText: 'conversation:join' }).first().waitFor(T);
      await panel.locator('tr[data-conversation="alice-bob"]').waitFor(T);
      await panel.locator('tr[data-user="bob"]').waitFor(T);
      await shoot(p.page, 'devtools-story.png');

      const cursorBefore = Number(await panel.locator('tr[data-conversation="alice-bob"] td').nth(3).innerText());
      await p.page.getByRole('textbox', { name: 'Message' }).click();
      await p.page.keyboard.type('Hello from the devtools test');
      await p.page.keyboard.press('Enter');

      const sent = panel.locator('.sk-devtools-entry[data-kind="sent"]', { hasText: 'message:send' });
      const acked = panel.locator('.sk-devtools-entry[data-kind="acked"]', { hasText: 'message:send' });
      await acked.first().waitFor(T);
      const sentText = await sent.first().innerText();
      const ackedText = await acked.first().innerText();
      const id = /#(\d+)/.exec(sentText)?.[1];
      expect(id).toBeDefined();
      // The ack of the same request, with a round trip in whole ms, filed under the conversation.
      expect(ackedText).toMatch(new RegExp(`message:send #${id} acked in \\d+ ms · alice-bob`));
      expect(sentText).toContain('· alice-bob');

      // The ack's payload is the stored message, with its seq; the cursor moved past it.
      await acked.first().locator('summary').click();
      const stored = JSON.parse(await acked.first().locator('pre').innerText()) as { message: { content: string; seq: number } };
      expect(stored.message.content).toBe('Hello from the devtools test');
      const cursor = panel.locator('tr[data-conversation="alice-bob"] td').nth(3);
      await expect.poll(async () => Number(await cursor.innerText()), T).toBeGreaterThanOrEqual(stored.message.seq);
      expect(stored.message.seq).toBeGreaterThan(cursorBefore);
      await panel.getByRole('heading', { name: 'Outbox (0)' }).waitFor(T);

      // Filtering by event keeps the send and its ack only.
      await panel.getByRole('textbox', { name: 'Event' }).fill('message:send');
      expect(await panel.locator('.sk-devtools-entry').count()).toBe(2);
      await panel.getByRole('textbox', { name: 'Event' }).fill('');

      await shoot(panel, 'devtools-panel.png');
      expect(p.errors).toEqual([]);
    } finally {
      await p.close();
    }
  });
});
