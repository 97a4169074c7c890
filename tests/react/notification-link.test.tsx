/**
 * Issue 24 #5: a notification's link is rendered only when it is http(s) or
 * relative, on React 18 (which renders `javascript:` as given) as on 19. Runs
 * in the react and react18 projects, against the real bundled server.
 */
import { render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { NotificationToaster, SocketkitUIProvider } from 'socketkit/ui';
import { useTestServer } from './helpers.js';

const ctx = useTestServer();

describe('NotificationToaster links', () => {
  it.each([
    ['javascript:alert(document.cookie)', null],
    ['  JaVa\tScRiPt:alert(1)', null],
    ['data:text/html,<script>alert(1)</script>', null],
    ['vbscript:msgbox(1)', null],
    ['https://example.com/inbox', 'https://example.com/inbox'],
    ['/conversations/general', '/conversations/general'],
  ])('link %j renders as %j', async (link, expected) => {
    const Wrapper = ctx.provider('alice');
    render(
      <Wrapper>
        <SocketkitUIProvider>
          <NotificationToaster durationMs={0} />
        </SocketkitUIProvider>
      </Wrapper>,
    );
    await waitFor(() => expect(ctx.server.socketkit.isUserOnline('alice')).toBe(true), { timeout: 5000 });
    ctx.server.socketkit.sendToUser('alice', 'notification:new', { id: 'n1', title: 'Hello', body: 'b', link, createdAt: new Date().toISOString() });
    const title = await screen.findByText('Hello', {}, { timeout: 5000 });
    const anchor = title.closest('a');
    if (expected === null) expect(anchor).toBeNull();
    else expect(anchor?.getAttribute('href')).toBe(expected);
    expect(document.querySelector('a[href^="javascript" i], a[href^="data" i], a[href^="vbscript" i]')).toBeNull();
  });
});
