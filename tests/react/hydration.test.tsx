import { hydrateRoot, type Root } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, waitFor } from '@testing-library/react';
import { createRealtimeClient } from 'socketkit';
import { RealtimeProvider } from 'socketkit/react';
import { EveryHook } from './ssr-app.js';
import { useTestServer } from './helpers.js';

const env = useTestServer();
let root: Root | undefined;
afterEach(() => {
  act(() => root?.unmount());
  root = undefined;
  document.body.innerHTML = '';
});

async function hydrate(html: string, tree: React.ReactNode) {
  const container = document.createElement('div');
  container.innerHTML = html;
  document.body.appendChild(container);
  const recoverable: unknown[] = [];
  const consoleError = vi.spyOn(console, 'error');
  await act(async () => {
    root = hydrateRoot(container, tree, { onRecoverableError: (error) => recoverable.push(error) });
  });
  const hydrationErrors = () =>
    consoleError.mock.calls.filter((args) => /hydrat|did not match|mismatch|server rendered/i.test(args.map(String).join(' ')));
  return { container, recoverable, consoleError, hydrationErrors };
}

describe('hydration', () => {
  it('hydrates server HTML of every hook with no mismatch, then goes live', async () => {
    const tree = (
      <RealtimeProvider url={env.server.url} token={env.server.token('alice')}>
        <EveryHook />
      </RealtimeProvider>
    );
    const html = renderToString(tree);
    const { container, recoverable, consoleError, hydrationErrors } = await hydrate(html, tree);
    await waitFor(() => expect(container.querySelector('#status')?.textContent).toBe('connected'));
    await waitFor(() => expect(container.querySelector('#chat')?.getAttribute('data-status')).toBe('joined'));
    expect(recoverable).toEqual([]);
    expect(hydrationErrors()).toEqual([]);
    consoleError.mockRestore();
  });

  it('has no mismatch when the app’s own client is already connecting at hydration', async () => {
    const server = createRealtimeClient({ url: env.server.url, autoConnect: false });
    const html = renderToString(
      <RealtimeProvider client={server}>
        <EveryHook />
      </RealtimeProvider>,
    );
    server.destroy();
    const browser = env.client('alice'); // autoConnect: status is `connecting` already
    expect(browser.connection.getSnapshot().status).toBe('connecting');
    const { container, recoverable, consoleError, hydrationErrors } = await hydrate(
      html,
      <RealtimeProvider client={browser}>
        <EveryHook />
      </RealtimeProvider>,
    );
    await waitFor(() => expect(container.querySelector('#status')?.textContent).toBe('connected'));
    expect(recoverable).toEqual([]);
    expect(hydrationErrors()).toEqual([]);
    consoleError.mockRestore();
  });
});
