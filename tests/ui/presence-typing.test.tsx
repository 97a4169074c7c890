/**
 * PresenceBadge, AvatarStack, PresenceList and TypingIndicator against the
 * real server: labels and strings follow what other users' sockets do.
 */
import { describe, expect, it } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import { AvatarStack, PresenceBadge, PresenceList, TypingIndicator } from 'socketkit/ui';
import { Providers, withLiveServer, connected, makeClient } from './helpers.js';

const liveServer = withLiveServer();

const typingText = () => document.querySelector('.sk-typing')!.textContent;

describe('PresenceBadge', () => {
  it('says Online, then "Last seen …" when the user leaves', async () => {
    const alice = makeClient(liveServer(), 'alice');
    await connected(alice);
    const bob = await liveServer().connect('bob');
    render(
      <Providers client={alice}>
        <PresenceBadge userId="bob" data-testid="badge" />
      </Providers>,
    );
    const badge = screen.getByTestId('badge');
    await waitFor(() => expect(badge.getAttribute('aria-label')).toBe('Online'), { timeout: 5000 });
    expect(badge.getAttribute('role')).toBe('img');
    expect(badge.getAttribute('data-online')).toBe('true');
    bob.disconnect();
    await waitFor(() => expect(badge.getAttribute('data-online')).toBe('false'), { timeout: 5000 });
    expect(badge.getAttribute('aria-label')).toMatch(/^Last seen (now|\d+ seconds? ago)$/);
  });

  it('says Offline for a user never seen, and shows the label as text on request', async () => {
    const alice = makeClient(liveServer(), 'alice');
    await connected(alice);
    render(
      <Providers client={alice}>
        <PresenceBadge userId="frank" showLabel data-testid="badge" />
      </Providers>,
    );
    await waitFor(() => expect(screen.getByTestId('badge').textContent).toBe('Offline'), { timeout: 5000 });
  });
});

describe('AvatarStack and PresenceList', () => {
  it('stacks online users with a +N overflow and lists people online first', async () => {
    const alice = makeClient(liveServer(), 'alice');
    await connected(alice);
    await Promise.all(['bob', 'carol', 'dave', 'erin'].map((u) => liveServer().connect(u)));
    render(
      <Providers client={alice}>
        <AvatarStack max={3} data-testid="stack" />
        <PresenceList userIds={['frank', 'bob', 'carol']} />
      </Providers>,
    );
    const stack = screen.getByTestId('stack');
    await waitFor(() => expect(stack.getAttribute('data-count')).toBe('5'), { timeout: 5000 });
    expect(stack.getAttribute('aria-label')).toBe('5 online');
    expect(stack.querySelectorAll('.sk-avatar')).toHaveLength(4);
    expect(screen.getByRole('img', { name: '+2' })).toBeTruthy();
    const list = screen.getByRole('list', { name: 'People' });
    await waitFor(() =>
      expect([...list.querySelectorAll('.sk-presence-name')].map((e) => e.textContent)).toEqual(['Bob Chen', 'Carol Díaz', 'frank']),
    );
  });
});

describe('TypingIndicator', () => {
  it('reads "X is typing", "X and Y are typing", "3 people are typing"', async () => {
    const alice = makeClient(liveServer(), 'alice');
    await connected(alice);
    render(
      <Providers client={alice}>
        <TypingIndicator conversationId="general" />
      </Providers>,
    );
    await waitFor(() => expect(alice.conversation('general').getSnapshot().status).toBe('joined'), { timeout: 5000 });
    const indicator = document.querySelector('.sk-typing')!;
    expect(indicator.getAttribute('aria-live')).toBe('polite');
    expect(indicator.getAttribute('data-active')).toBe('false');

    const others = await Promise.all(['bob', 'carol', 'dave'].map((u) => liveServer().connect(u)));
    const type = (i: number) => others[i]!.timeout(3000).emitWithAck('typing:start', { conversationId: 'general' });
    await type(0);
    await waitFor(() => expect(typingText()).toBe('Bob Chen is typing'), { timeout: 5000 });
    await type(1);
    await waitFor(() => expect(typingText()).toBe('Bob Chen and Carol Díaz are typing'), { timeout: 5000 });
    await type(2);
    await waitFor(() => expect(typingText()).toBe('3 people are typing'), { timeout: 5000 });
    expect(indicator.getAttribute('data-active')).toBe('true');
    await Promise.all(others.map((s) => s.timeout(3000).emitWithAck('typing:stop', { conversationId: 'general' })));
    await waitFor(() => expect(typingText()).toBe(''), { timeout: 5000 });
  });
});
