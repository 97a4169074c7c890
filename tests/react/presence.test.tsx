import { render, renderHook, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useOnlineUsers, usePresence, usePresenceOf, useRealtimeClient } from 'socketkit/react';
import { socketsOf, useTestServer } from './helpers.js';

const env = useTestServer();

function Dot({ userId }: { userId: string }) {
  const { online, lastSeen } = usePresence(userId);
  return (
    <span data-testid={`dot-${userId}`} data-last-seen={lastSeen ?? ''}>
      {online ? 'online' : 'offline'}
    </span>
  );
}

describe('usePresence', () => {
  it('follows a user with two tabs: online until the last tab closes', async () => {
    let client!: ReturnType<typeof useRealtimeClient>;
    function Grab() {
      client = useRealtimeClient();
      return null;
    }
    render(
      <>
        <Dot userId="bob" />
        <Grab />
      </>,
      { wrapper: env.provider('alice') },
    );
    const dot = () => screen.getByTestId('dot-bob');
    await waitFor(() => expect(client.presence.get('bob')).toBeDefined());
    expect(dot().textContent).toBe('offline');

    // Two tabs of bob: two socketkit clients.
    const tab1 = env.client('bob');
    await waitFor(() => expect(dot().textContent).toBe('online'));
    const tab2 = env.client('bob');
    await waitFor(async () => expect(await socketsOf(env.server, 'bob')).toBe(2));

    tab1.disconnect();
    await waitFor(async () => expect(await socketsOf(env.server, 'bob')).toBe(1));
    // The server has handled tab1's disconnect; with a zero grace a user:offline would
    // have been sent before the answer to this request, on the same socket.
    const { users } = await client.presence.list();
    expect(users.map((u) => u.userId)).toContain('bob');
    expect(dot().textContent).toBe('online');

    tab2.disconnect();
    await waitFor(() => expect(dot().textContent).toBe('offline'));
    expect(dot().dataset.lastSeen).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('shows each user to the other: alice and bob both rendered', async () => {
    const Alice = env.provider('alice');
    const Bob = env.provider('bob');
    render(
      <>
        <div data-testid="alice-view">
          <Alice>
            <Dot userId="bob" />
          </Alice>
        </div>
      </>,
    );
    const bobView = render(
      <Bob>
        <Dot userId="alice" />
      </Bob>,
    );
    await waitFor(() => expect(screen.getByTestId('dot-bob').textContent).toBe('online'));
    await waitFor(() => expect(screen.getByTestId('dot-alice').textContent).toBe('online'));
    bobView.unmount();
    await waitFor(() => expect(screen.getByTestId('dot-bob').textContent).toBe('offline'));
  });
});

describe('usePresenceOf', () => {
  it('maps the given users, keeps its identity for equal input, changes for a presence change', async () => {
    const { result, rerender } = renderHook(({ ids }) => usePresenceOf(ids), {
      wrapper: env.provider('alice'),
      initialProps: { ids: ['bob', 'carol'] },
    });
    const bob = await env.server.connect('bob');
    await waitFor(() => expect(result.current.get('bob')?.online).toBe(true));
    expect(result.current.get('carol')?.online).toBe(false);
    expect([...result.current.keys()]).toEqual(['bob', 'carol']);

    const before = result.current;
    rerender({ ids: ['bob', 'carol'] });
    expect(result.current).toBe(before);

    bob.disconnect();
    await waitFor(() => expect(result.current.get('bob')?.online).toBe(false));
    expect(result.current).not.toBe(before);
    expect(result.current.get('carol')).toBe(before.get('carol'));

    rerender({ ids: ['carol'] });
    expect([...result.current.keys()]).toEqual(['carol']);
  });
});

describe('useOnlineUsers', () => {
  it('lists who is online and follows the users it hears about', async () => {
    const { result } = renderHook(
      () => {
        usePresenceOf(['bob', 'carol']); // alice hears about the users she watches
        return useOnlineUsers();
      },
      { wrapper: env.provider('alice') },
    );
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(result.current.users.map((u) => u.userId)).toEqual(['alice']);

    const bob = await env.server.connect('bob');
    await waitFor(() => expect(result.current.users.map((u) => u.userId).sort()).toEqual(['alice', 'bob']));
    await env.server.connect('carol');
    await waitFor(() => expect(result.current.users.map((u) => u.userId).sort()).toEqual(['alice', 'bob', 'carol']));
    bob.disconnect();
    await waitFor(() => expect(result.current.users.map((u) => u.userId).sort()).toEqual(['alice', 'carol']));
    expect(result.current.error).toBeNull();
  });

  it('refreshes the list on reconnect', async () => {
    const { result } = renderHook(() => useOnlineUsers(), { wrapper: env.provider('alice') });
    await waitFor(() => expect(result.current.users.map((u) => u.userId)).toEqual(['alice']));
    // dave is not watched: no event reaches alice, only a new presence:list shows him.
    await env.server.connect('dave');
    env.server.io.in('user:alice').disconnectSockets(true);
    await waitFor(() => expect(result.current.users.map((u) => u.userId).sort()).toEqual(['alice', 'dave']));
  });

  it('polls for users it does not watch', async () => {
    const { result } = renderHook(() => useOnlineUsers({ refreshMs: 50 }), { wrapper: env.provider('alice') });
    await waitFor(() => expect(result.current.users.map((u) => u.userId)).toEqual(['alice']));
    // erin is not watched and alice stays connected: only the poll can find her.
    await env.server.connect('erin');
    await waitFor(() => expect(result.current.users.map((u) => u.userId).sort()).toEqual(['alice', 'erin']));
  });

  it('shares one request and one poller among every caller; enabled: false never asks', async () => {
    const lists: string[] = [];
    env.server.io.on('connection', (socket) => socket.onAny((event: string) => event === 'presence:list' && lists.push(socket.data.userId as string)));
    const { result } = renderHook(
      () => {
        const a = useOnlineUsers({ refreshMs: 0 });
        const b = useOnlineUsers({ refreshMs: 0 });
        useOnlineUsers({ enabled: false });
        return [a, b] as const;
      },
      { wrapper: env.provider('alice') },
    );
    await waitFor(() => expect(result.current[0].loading).toBe(false));
    expect(result.current[1].users).toBe(result.current[0].users); // one store
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(lists).toEqual(['alice']); // one request for all callers

    lists.length = 0;
    const { result: passive } = renderHook(() => useOnlineUsers({ enabled: false }), { wrapper: env.provider('bob') });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(passive.current.loading).toBe(true);
    expect(lists.filter((user) => user === 'bob')).toEqual([]);
  });
});
