/**
 * Issue 9 #6: presence the client cannot vouch for is shown as such. A badge
 * of an online user is marked stale while the client is disconnected and
 * fresh again after the reconnect. Real server; the client's own connection drops.
 */
import { describe, expect, it } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import { PresenceBadge } from 'socketkit/ui';
import { Providers, withLiveServer, connected, makeClient } from './helpers.js';

const liveServer = withLiveServer();

describe('PresenceBadge while the client is disconnected', () => {
  it('is marked data-stale during the outage and fresh after the reconnect', async () => {
    const alice = makeClient(liveServer(), 'alice', { reconnection: { initialDelayMs: 300, maxDelayMs: 300, maxAttempts: Infinity, jitter: 0 } });
    await connected(alice);
    await liveServer().connect('bob');
    render(
      <Providers client={alice}>
        <PresenceBadge userId="bob" data-testid="badge" />
      </Providers>,
    );
    const badge = screen.getByTestId('badge');
    await waitFor(() => expect(badge.getAttribute('data-online')).toBe('true'), { timeout: 5000 });
    expect(badge.hasAttribute('data-stale')).toBe(false);
    liveServer().io.in('user:alice').disconnectSockets(true);
    await waitFor(() => expect(badge.hasAttribute('data-stale')).toBe(true), { timeout: 5000 });
    await connected(alice);
    await waitFor(() => expect(badge.hasAttribute('data-stale')).toBe(false), { timeout: 5000 });
    expect(badge.getAttribute('data-online')).toBe('true');
  });
});
