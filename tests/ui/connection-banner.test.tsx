/**
 * ConnectionBanner and ConnectionStatus against the real server: blips under
 * the threshold never show, outages do (with a countdown), failures show at
 * once with a Retry that reconnects.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { ConnectionStatus as Status } from 'socketkit';
import { ConnectionBanner, ConnectionStatus } from 'socketkit/ui';
import { startServer, type TestServer } from '../support/server.js';
import { Providers, connected, destroyClients, makeClient } from './helpers.js';

const servers: TestServer[] = [];
async function server(port = 0): Promise<TestServer> {
  const s = await startServer({ port });
  servers.push(s);
  return s;
}
afterEach(async () => {
  cleanup();
  destroyClients();
  await Promise.all(servers.splice(0).map((s) => s.cleanup()));
});

/** Every `data-state` the banner has had, in order. */
function recordStates(el: Element): string[] {
  const seen = [el.getAttribute('data-state')!];
  new MutationObserver(() => seen.push(el.getAttribute('data-state')!)).observe(el, { attributes: true });
  return seen;
}

const banner = () => document.querySelector('.sk-banner')!;

describe('ConnectionBanner', () => {
  it('does not flash for a reconnect shorter than the threshold', async () => {
    const s = await server();
    const alice = makeClient(s, 'alice', { reconnection: { initialDelayMs: 20, maxDelayMs: 20, jitter: 0 } });
    await connected(alice);
    const statuses: Status[] = [];
    alice.connection.subscribe(() => statuses.push(alice.connection.getSnapshot().status));
    render(
      <Providers client={alice}>
        <ConnectionBanner />
      </Providers>,
    );
    const states = recordStates(banner());
    s.disconnectAll('alice');
    await waitFor(() => expect(statuses.at(-1)).toBe('connected'), { timeout: 5000 });
    expect(statuses).toContain('reconnecting');
    expect(new Set(states)).toEqual(new Set(['hidden']));
    expect(banner().textContent).toBe('');
  });

  it('shows "reconnecting" with a countdown after the threshold and clears when the server is back', async () => {
    const s = await server();
    const { port } = s;
    const alice = makeClient(s, 'alice', { reconnection: { initialDelayMs: 2500, maxDelayMs: 2500, jitter: 0, maxAttempts: Infinity } });
    await connected(alice);
    render(
      <Providers client={alice}>
        <ConnectionBanner />
        <ConnectionStatus data-testid="status" />
      </Providers>,
    );
    expect(banner().getAttribute('data-state')).toBe('hidden');
    await s.cleanup();
    servers.splice(servers.indexOf(s), 1);
    await waitFor(() => expect(banner().getAttribute('data-state')).toBe('reconnecting'), { timeout: 3000 });
    expect(banner().textContent).toMatch(/^Connection lost\. Reconnecting in [123] s…Retry$/);
    expect(banner().getAttribute('aria-live')).toBe('polite');
    expect(screen.getByTestId('status').getAttribute('data-status')).toBe('reconnecting');

    await server(port);
    await waitFor(() => expect(banner().getAttribute('data-state')).toBe('hidden'), { timeout: 8000 });
    expect(screen.getByTestId('status').textContent).toBe('Connected');
  });

  it('shows "failed" at once, and Retry reconnects', async () => {
    const probe = await server();
    const { port, url } = probe;
    await probe.cleanup();
    servers.splice(0);
    const alice = makeClient({ url, token: probe.token }, 'alice', { reconnection: { maxAttempts: 0 } });
    render(
      <Providers client={alice}>
        <ConnectionBanner />
      </Providers>,
    );
    await waitFor(() => expect(banner().getAttribute('data-state')).toBe('failed'), { timeout: 5000 });
    expect(banner().getAttribute('aria-live')).toBe('assertive');
    expect(banner().textContent).toContain('Could not connect to the server.');

    await server(port);
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await connected(alice);
    await waitFor(() => expect(banner().getAttribute('data-state')).toBe('hidden'));
  });

  it('says the session is not valid when the token is refused', async () => {
    const s = await server();
    const alice = makeClient(s, 'alice', { token: 'not-a-token' });
    render(
      <Providers client={alice}>
        <ConnectionBanner />
      </Providers>,
    );
    await waitFor(() => expect(banner().getAttribute('data-state')).toBe('unauthorized'), { timeout: 5000 });
    expect(banner().textContent).toContain('Your session is not valid');
  });
});
