import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Notification } from 'socketkit/protocol';
import { RealtimeProvider, useNotifications, useRealtimeEvent } from 'socketkit/react';
import { useTestServer } from './helpers.js';

const env = useTestServer();

const note = (id: string, title = `Title ${id}`): Notification => ({ id, title, body: 'Body', createdAt: new Date().toISOString() });

describe('useRealtimeEvent', () => {
  it('subscribes once and always calls the latest handler', async () => {
    const client = env.client('alice');
    const on = vi.spyOn(client, 'on');
    const calls: string[] = [];
    const { rerender, unmount } = renderHook(({ tag }) => useRealtimeEvent('notification:new', (n) => calls.push(`${tag}:${n.id}`)), {
      wrapper: ({ children }) => <RealtimeProvider client={client}>{children}</RealtimeProvider>,
      initialProps: { tag: 'first' },
    });
    await waitFor(() => expect(client.connection.getSnapshot().status).toBe('connected'));
    env.server.socketkit.sendToUser('alice', 'notification:new', note('a'));
    await waitFor(() => expect(calls).toEqual(['first:a']));

    rerender({ tag: 'second' });
    rerender({ tag: 'third' });
    env.server.socketkit.sendToUser('alice', 'notification:new', note('b'));
    await waitFor(() => expect(calls).toEqual(['first:a', 'third:b']));
    expect(on.mock.calls.filter(([event]) => event === 'notification:new')).toHaveLength(1);

    unmount();
    // Another listener proves `c` arrived, and went past the unmounted hook.
    const heard: string[] = [];
    const off = client.on('notification:new', (n) => heard.push(n.id));
    env.server.socketkit.sendToUser('alice', 'notification:new', note('c'));
    await waitFor(() => expect(heard).toEqual(['c']));
    off();
    expect(calls).toEqual(['first:a', 'third:b']);
  });
});

describe('useNotifications', () => {
  it('collects the newest `max`, oldest first, once per id; dismiss and clear', async () => {
    const { result } = renderHook(() => useNotifications({ max: 3 }), { wrapper: env.provider('alice') });
    await waitFor(async () => expect(env.server.socketkit.isUserOnline('alice')).toBe(true));
    for (const id of ['1', '2', '3', '4']) env.server.socketkit.sendToUser('alice', 'notification:new', note(id));
    env.server.socketkit.sendToUser('alice', 'notification:new', note('4', 'again'));
    env.server.socketkit.sendToUser('alice', 'notification:new', note('5'));
    await waitFor(() => expect(result.current.notifications.map((n) => n.id)).toEqual(['3', '4', '5']));
    expect(result.current.notifications[1]?.title).toBe('Title 4');

    const { dismiss, clear } = result.current;
    act(() => result.current.dismiss('4'));
    expect(result.current.notifications.map((n) => n.id)).toEqual(['3', '5']);
    act(() => result.current.clear());
    expect(result.current.notifications).toEqual([]);
    expect(result.current.dismiss).toBe(dismiss);
    expect(result.current.clear).toBe(clear);
  });
});
