/**
 * The inbox components (protocol 1.2) against the real bundled server:
 * ConversationList (badges, previews, keyboard), NotificationInbox (bell,
 * popover, mark read, safe links), "Seen by" in ChatPanel; server rendering
 * and axe like every component.
 */
import { renderToString } from 'react-dom/server';
import axe from 'axe-core';
import type { ReactElement } from 'react';
import { describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createRealtimeClient, getConversationList } from 'socketkit';
import { ChatPanel, ConversationList, NotificationInbox } from 'socketkit/ui';
import { Providers, connected, makeClient, withLiveServer } from './helpers.js';

const server = withLiveServer();

async function noSeriousViolations(container: HTMLElement) {
  const result = await axe.run(container, { resultTypes: ['violations'], rules: { 'color-contrast': { enabled: false } } });
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(' | ')}`)).toEqual([]);
}

describe('server rendering', () => {
  it.each<[string, ReactElement]>([
    ['ConversationList', <ConversationList key="a" />],
    ['NotificationInbox', <NotificationInbox key="a" />],
  ])('%s renders to a string', (_name, element) => {
    const client = createRealtimeClient({ url: 'http://127.0.0.1:1', autoConnect: false });
    const html = renderToString(<Providers client={client}>{element}</Providers>);
    client.destroy();
    expect(html).toMatch(/class="sk-/);
  });
});

describe('ConversationList', () => {
  it('shows unread badges and previews, live; arrow keys, Home and End move; Enter selects; no axe violations', async () => {
    const bob = makeClient(server(), 'bob');
    await bob.conversation('alice-bob').send('Fresh from Bob');
    const alice = makeClient(server(), 'alice');
    await connected(alice);
    const selected: string[] = [];
    const { container } = render(
      <Providers client={alice}>
        <ConversationList onSelect={(id) => selected.push(id)} />
      </Providers>,
    );
    const listbox = await screen.findByRole('listbox', { name: 'Conversations' });
    const options = within(listbox).getAllByRole('option');
    expect(options[0]).toHaveProperty('dataset.conversationId', 'alice-bob');
    expect(options[0]!.textContent).toContain('Bob Chen');
    expect(options[0]!.textContent).toContain('Fresh from Bob');
    expect(options[0]!.getAttribute('data-unread')).toBe('true');
    expect(within(options[0]!).getByLabelText(/unread$/)).toBeTruthy();
    expect(options.filter((o) => o.tabIndex === 0)).toHaveLength(1);

    const user = userEvent.setup();
    options[0]!.focus();
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(options[1]);
    await user.keyboard('{End}');
    expect(document.activeElement).toBe(options.at(-1));
    await user.keyboard('{Home}');
    expect(document.activeElement).toBe(options[0]);
    await user.keyboard('{Enter}');
    expect(selected).toEqual(['alice-bob']);

    await bob.conversation('general').send('To everyone');
    await waitFor(() => expect(within(listbox).getAllByRole('option')[0]).toHaveProperty('dataset.conversationId', 'general'));
    await noSeriousViolations(container);
  });
});

describe('NotificationInbox', () => {
  it('bell with unread badge, popover list, mark read, mark all read; only safe links are links; no axe violations', async () => {
    await server().socketkit.notify('alice', { title: 'Safe', body: 'relative link', link: '/settings' });
    await server().socketkit.notify('alice', { title: 'Evil', body: 'script link', link: 'javascript:alert(1)' });
    const alice = makeClient(server(), 'alice');
    await connected(alice);
    const { container } = render(
      <Providers client={alice}>
        <NotificationInbox />
      </Providers>,
    );
    const bell = await screen.findByRole('button', { name: /^Notifications, \d+ unread$/ });
    const unread = Number(/(\d+) unread/.exec(bell.getAttribute('aria-label')!)![1]);
    expect(unread).toBeGreaterThanOrEqual(2);
    expect(bell.getAttribute('aria-expanded')).toBe('false');
    const user = userEvent.setup();
    await user.click(bell);
    const dialog = screen.getByRole('dialog', { name: 'Notifications' });
    expect(within(dialog).getByRole('link', { name: 'Safe' }).getAttribute('href')).toBe('/settings');
    expect(within(dialog).queryByRole('link', { name: 'Evil' })).toBeNull();
    expect(within(dialog).getByText('Evil')).toBeTruthy();
    await noSeriousViolations(container);

    await user.click(within(dialog).getAllByRole('button', { name: 'Mark read' })[0]!);
    await waitFor(() => expect(bell.getAttribute('aria-label')).toBe(`Notifications, ${unread - 1} unread`));
    await user.click(within(dialog).getByRole('button', { name: 'Mark all read' }));
    await waitFor(() => expect(bell.getAttribute('aria-label')).toBe('Notifications'));
    await user.keyboard('{Escape}');
    expect(bell.getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(bell);
  });
});

describe('ChatPanel "Seen by"', () => {
  it('names the participants whose receipt reaches the newest message', async () => {
    const alice = makeClient(server(), 'alice');
    await connected(alice);
    render(
      <Providers client={alice}>
        <ChatPanel conversationId="alice-bob" title="Bob" />
      </Providers>,
    );
    const sent = await alice.conversation('alice-bob').send('Did you see this?');
    const bob = makeClient(server(), 'bob');
    await connected(bob);
    getConversationList(bob).markRead('alice-bob', sent.seq!);
    expect(await screen.findByText('Seen by Bob Chen')).toBeTruthy();
  });
});
