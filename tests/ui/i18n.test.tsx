/**
 * Every visible string comes from the overridable map, and times are
 * localized with Intl.RelativeTimeFormat.
 */
import { describe, expect, it } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import { ChatPanel, ConnectionBanner, PresenceBadge, defaultStrings, formatRelative, type SocketkitStrings } from 'socketkit/ui';
import { Providers, withLiveServer, connected, makeClient } from './helpers.js';

const liveServer = withLiveServer();

const german: Partial<SocketkitStrings> = {
  online: 'Online',
  offline: 'Offline',
  composerLabel: 'Nachricht',
  composerPlaceholder: 'Nachricht schreiben…',
  send: 'Senden',
  messagesLabel: 'Nachrichten',
  emptyConversation: 'Noch keine Nachrichten.',
  typingOne: (name) => `${name} schreibt`,
  bannerUnauthorized: 'Sitzung ungültig.',
  retry: 'Erneut versuchen',
};

describe('strings and locale', () => {
  it('formats relative times with Intl for the locale', () => {
    const now = Date.parse('2026-11-26T12:00:00Z');
    expect(formatRelative(now - 5 * 60_000, now, 'en')).toBe('5 minutes ago');
    expect(formatRelative(now - 5 * 60_000, now, 'de')).toBe('vor 5 Minuten');
    expect(formatRelative(now - 86_400_000, now, 'en')).toBe('yesterday');
    expect(defaultStrings.lastSeen('5 minutes ago')).toBe('Last seen 5 minutes ago');
  });

  it('renders the chat panel and typing in German', async () => {
    const alice = makeClient(liveServer(), 'alice');
    await connected(alice);
    const bob = await liveServer().connect('bob');
    render(
      <Providers client={alice} strings={german} locale="de">
        <ChatPanel conversationId="empty" />
      </Providers>,
    );
    expect(screen.getByRole('region', { name: 'Nachrichten' }).textContent).toContain('Noch keine Nachrichten.');
    expect(screen.getByRole('textbox', { name: 'Nachricht' }).getAttribute('placeholder')).toBe('Nachricht schreiben…');
    expect(screen.getByRole('button', { name: 'Senden' })).toBeTruthy();
    await waitFor(() => expect(alice.conversation('empty').getSnapshot().status).toBe('joined'), { timeout: 5000 });
    await bob.timeout(3000).emitWithAck('typing:start', { conversationId: 'empty' });
    await waitFor(() => expect(document.querySelector('.sk-typing')!.textContent).toBe('Bob Chen schreibt'), { timeout: 5000 });
  });

  it('uses overridden banner and presence strings', async () => {
    const alice = makeClient(liveServer(), 'alice', { token: 'bad' });
    render(
      <Providers client={alice} strings={{ ...german, offline: 'Abwesend' }} locale="de">
        <ConnectionBanner />
        <PresenceBadge userId="bob" showLabel data-testid="badge" />
      </Providers>,
    );
    await waitFor(() => expect(document.querySelector('.sk-banner')!.textContent).toBe('Sitzung ungültig.Erneut versuchen'), {
      timeout: 5000,
    });
    expect(screen.getByTestId('badge').textContent).toBe('Abwesend');
  });
});
