import { StrictMode, useState } from 'react';
import { act, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Notification } from 'socketkit/protocol';
import { RealtimeProvider, useConversation, useNotifications, usePresence, useRealtimeEvent, useSocket } from 'socketkit/react';
import { countOnServer, roomSize, socketsOf, useTestServer } from './helpers.js';

const env = useTestServer();

const note = (id: string): Notification => ({ id, title: `Title ${id}`, body: 'Body', createdAt: new Date().toISOString() });

describe('StrictMode', () => {
  it('makes one connection, one join, one presence subscribe and delivers each event once', async () => {
    const server = countOnServer(env.server);
    let deliveries = 0;
    function Chat() {
      const { status, messages } = useConversation('general');
      return <p data-testid="chat" data-status={status}>{messages.length}</p>;
    }
    function Listener() {
      useRealtimeEvent('notification:new', () => deliveries++);
      const { notifications } = useNotifications();
      return <p data-testid="notes">{notifications.map((n) => n.id).join(',')}</p>;
    }
    function BobDot() {
      return <p data-testid="bob">{usePresence('bob').online ? 'online' : 'offline'}</p>;
    }
    render(
      <StrictMode>
        <RealtimeProvider url={env.server.url} token={env.server.token('alice')}>
          <Chat />
          <Listener />
          <BobDot />
        </RealtimeProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(screen.getByTestId('chat').dataset.status).toBe('joined'));
    expect(server.connections()).toBe(1);
    expect(await socketsOf(env.server, 'alice')).toBe(1);
    expect(server.events('conversation:join')).toBe(1);
    expect(server.events('conversation:leave')).toBe(0);
    expect(roomSize(env.server, 'conversation:general')).toBe(1);

    env.server.socketkit.sendToUser('alice', 'notification:new', note('n1'));
    await waitFor(() => expect(screen.getByTestId('notes').textContent).toBe('n1'));
    expect(deliveries).toBe(1);

    await env.server.connect('bob');
    await waitFor(() => expect(screen.getByTestId('bob').textContent).toBe('online'));
    expect(server.events('presence:unsubscribe')).toBe(0);
  });

  it('a component mounted later on a live connection joins once, and two components share the join', async () => {
    const server = countOnServer(env.server);
    function Chat({ tag }: { tag: string }) {
      const { status } = useConversation('design');
      return <p data-testid={tag}>{status}</p>;
    }
    function App() {
      const [chats, setChats] = useState<string[]>([]);
      const { status } = useSocket();
      return (
        <>
          <p data-testid="status">{status}</p>
          <button onClick={() => setChats(['a'])}>open a</button>
          <button onClick={() => setChats(['a', 'b'])}>open b</button>
          <button onClick={() => setChats(['b'])}>close a</button>
          <button onClick={() => setChats([])}>close all</button>
          {chats.map((tag) => (
            <Chat key={tag} tag={tag} />
          ))}
        </>
      );
    }
    render(
      <StrictMode>
        <RealtimeProvider url={env.server.url} token={env.server.token('alice')}>
          <App />
        </RealtimeProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('connected'));
    act(() => screen.getByText('open a').click());
    await waitFor(() => expect(screen.getByTestId('a').textContent).toBe('joined'));
    expect(server.events('conversation:join')).toBe(1);
    expect(server.events('conversation:leave')).toBe(0);
    act(() => screen.getByText('open b').click());
    expect(screen.getByTestId('b').textContent).toBe('joined');
    expect(server.events('conversation:join')).toBe(1);
    expect(server.events('conversation:leave')).toBe(0);
    expect(roomSize(env.server, 'conversation:design')).toBe(1);

    act(() => screen.getByText('close a').click());
    expect(screen.getByTestId('b').textContent).toBe('joined');
    act(() => screen.getByText('close all').click());
    await waitFor(() => expect(roomSize(env.server, 'conversation:design')).toBe(0));
    expect(server.events('conversation:join')).toBe(1);
    expect(server.events('conversation:leave')).toBe(1);
    expect(server.connections()).toBe(1);
  });

  it('destroys the owned client after a real unmount', async () => {
    const view = render(
      <StrictMode>
        <RealtimeProvider url={env.server.url} token={env.server.token('alice')}>
          <p>app</p>
        </RealtimeProvider>
      </StrictMode>,
    );
    await waitFor(async () => expect(await socketsOf(env.server, 'alice')).toBe(1));
    view.unmount();
    await waitFor(async () => expect(await socketsOf(env.server, 'alice')).toBe(0));
  });
});
