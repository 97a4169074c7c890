/**
 * Issue 20, point 7: ChatPanel shows the connection's real state. A connection
 * refused for good (a refused token) is not "No messages yet. Say hello!" with
 * "messages are queued and sent on reconnect", live or in server-rendered HTML.
 */
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createRealtimeClient } from 'socketkit';
import { ChatPanel } from 'socketkit/ui';
import { Providers, connected, makeClient, withLiveServer } from './helpers.js';

const liveServer = withLiveServer();
const EMPTY = 'No messages yet. Say hello!';
const QUEUED = 'Offline: messages are queued and sent on reconnect.';

describe('ChatPanel and the connection', () => {
  it('a refused token: the reason and Retry instead of the empty state and the queued note', async () => {
    const alice = makeClient(liveServer(), 'alice', { token: 'not-a-token' });
    const { container } = render(
      <Providers client={alice}>
        <ChatPanel conversationId="general" title="General" />
      </Providers>,
    );
    const alert = await screen.findByRole('alert', {}, { timeout: 5000 });
    expect(alert.textContent).toBe('Not connected: your session is not valid. Retry');
    const panel = container.querySelector('.sk-chat')!;
    expect(panel.getAttribute('data-connection')).toBe('failed');
    expect(panel.getAttribute('data-error-code')).toBe('TOKEN_INVALID');
    expect(container.textContent).not.toContain(EMPTY);
    expect(container.textContent).not.toContain(QUEUED);
    expect(screen.queryByRole('textbox', { name: 'Message' })).toBeNull();
    // Retry asks the connection again (and, with the same refused token, fails again, visibly).
    const statuses: string[] = [];
    const off = alice.connection.subscribe(() => statuses.push(alice.connection.getSnapshot().status));
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(statuses.at(-1)).toBe('failed'), { timeout: 5000 });
    off();
    expect(statuses).toContain('connecting');
    expect(screen.getByRole('alert').textContent).toBe('Not connected: your session is not valid. Retry');
  });

  // The server render uses the server snapshot (idle, as hydration needs): it cannot know a
  // token will be refused, so it says what is true then: connecting, not "say hello" or "queued".
  it('server-rendered HTML: "Connecting…", not the empty state or the queued note', () => {
    const idle = createRealtimeClient({ url: liveServer().url, token: liveServer().token('alice'), autoConnect: false });
    const before = renderToString(
      <Providers client={idle}>
        <ChatPanel conversationId="general" />
      </Providers>,
    );
    idle.destroy();
    expect(before).toContain('Connecting…');
    expect(before).not.toContain(EMPTY);
    expect(before).not.toContain(QUEUED);

  });

  it('connected to an empty conversation: the empty state; a lost connection: the queued note', async () => {
    const alice = makeClient(liveServer(), 'alice');
    await connected(alice);
    const { container } = render(
      <Providers client={alice}>
        <ChatPanel conversationId="empty" />
      </Providers>,
    );
    await waitFor(() => expect(container.textContent).toContain(EMPTY), { timeout: 5000 });
    alice.disconnect();
    await waitFor(() => expect(container.textContent).toContain(QUEUED));
  });
});
