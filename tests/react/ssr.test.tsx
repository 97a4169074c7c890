// @vitest-environment node
import { renderToString } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRealtimeClient, type RealtimeClient } from 'socketkit';
import { RealtimeProvider, useRealtimeClient } from 'socketkit/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useLiveConversationList, useRealtimeQueryBridge } from 'socketkit/react-query';
import { startServer } from '../support/server.js';
import { EveryHook } from './ssr-app.js';

let server: Awaited<ReturnType<typeof startServer>>;
beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  await server.cleanup();
});

describe('server rendering', () => {
  it('renders every hook without window, with the initial state and no connection', async () => {
    expect(typeof window).toBe('undefined');
    expect(typeof document).toBe('undefined');
    let owned: RealtimeClient | undefined;
    function Grab() {
      owned = useRealtimeClient();
      return null;
    }
    const html = renderToString(
      <RealtimeProvider url={server.url} token={server.token('alice')}>
        <EveryHook />
        <Grab />
      </RealtimeProvider>,
    );
    expect(html).toContain('<p id="status" data-connected="false">idle</p>');
    expect(html).toContain('<p id="bob">offline</p>');
    expect(html).toContain('0<!-- --> online of <!-- -->2');
    expect(html).toContain('<p id="online-users">loading</p>');
    expect(html).toContain('<p id="chat" data-status="idle">0<!-- --> messages</p>');
    expect(html).toContain('<p id="notifications">0</p>');
    // Effects never run on the server: the client is created but never connects.
    expect(owned?.connection.getSnapshot().status).toBe('idle');
    const bob = await server.connect('bob');
    expect(bob.connected).toBe(true);
    const sockets = await server.io.fetchSockets();
    expect(sockets.map((s) => s.data.userId)).toEqual(['bob']);
  });

  it('renders the react-query bridge hooks too', () => {
    const client = createRealtimeClient({ url: server.url, autoConnect: false });
    function Live() {
      useLiveConversationList({ queryKey: ['conversations'] });
      useRealtimeQueryBridge({ event: 'message:new', queryKey: ['messages'] });
      return <p>live</p>;
    }
    const html = renderToString(
      <QueryClientProvider client={new QueryClient()}>
        <RealtimeProvider client={client}>
          <Live />
          <EveryHook />
        </RealtimeProvider>
      </QueryClientProvider>,
    );
    expect(html).toContain('<p>live</p>');
    expect(client.connection.getSnapshot().status).toBe('idle');
    client.destroy();
  });

  it('renders with a client given by the app', () => {
    const client = createRealtimeClient({ url: server.url, autoConnect: false });
    const html = renderToString(
      <RealtimeProvider client={client}>
        <EveryHook />
      </RealtimeProvider>,
    );
    expect(html).toContain(`data-url="${server.url}"`);
    expect(html).toContain('>idle</p>');
    client.destroy();
  });
});
