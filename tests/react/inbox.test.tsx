/**
 * The inbox hooks (protocol 1.2) against the real bundled server:
 * useConversationList, useUnreadCount, useReadReceipts, useNotificationInbox,
 * and useConversation marking read what it shows (with its opt-out).
 */
import { renderHook, waitFor, act } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { RealtimeProvider, useConversation, useConversationList, useNotificationInbox, useReadReceipts, useUnreadCount } from 'socketkit/react';
import { getConversationList, type RealtimeClient } from 'socketkit';
import type { ReactNode } from 'react';
import { useTestServer } from './helpers.js';

const env = useTestServer();

/** A wrapper around a client the test holds (to read its stores directly). */
const withClient = (client: RealtimeClient) =>
  function Wrapper({ children }: { children?: ReactNode }) {
    return <RealtimeProvider client={client}>{children}</RealtimeProvider>;
  };

async function bobSends(n: number): Promise<number> {
  const room = env.client('bob').conversation('alice-bob');
  let seq = 0;
  for (let i = 0; i < n; i++) seq = (await room.send(`bob ${i}`)).seq!;
  return seq;
}

describe('inbox hooks', () => {
  it('useConversationList and useUnreadCount stay live; useConversation marks read what it shows, on every device', async () => {
    const seq = await bobSends(2);
    const laptop = env.client('alice');
    const list = renderHook(() => ({ list: useConversationList(), total: useUnreadCount(), one: useUnreadCount('alice-bob') }), { wrapper: withClient(laptop) });
    await waitFor(() => expect(list.result.current.list.loading).toBe(false));
    expect(list.result.current.list.conversations.find((c) => c.id === 'alice-bob')?.lastSeq).toBe(seq);
    expect(list.result.current.one).toBeGreaterThanOrEqual(2);
    expect(list.result.current.total).toBe(list.result.current.list.unreadCount);

    const next = await bobSends(1);
    await waitFor(() => expect(list.result.current.list.conversations[0]).toMatchObject({ id: 'alice-bob', lastSeq: next }));

    const phone = env.client('alice');
    const before = list.result.current.total;
    const unreadHere = list.result.current.one;
    renderHook(() => useConversation('alice-bob'), { wrapper: withClient(phone) });
    await waitFor(() => expect(list.result.current.one).toBe(0), { timeout: 2000 });
    expect(list.result.current.total).toBe(before - unreadHere);
  });

  it('useConversation({ markRead: false }) leaves the badge alone', async () => {
    await bobSends(1);
    const alice = env.client('alice');
    const hook = renderHook(() => ({ room: useConversation('alice-bob', { markRead: false }), unread: useUnreadCount('alice-bob') }), { wrapper: withClient(alice) });
    await waitFor(() => expect(hook.result.current.room.status).toBe('joined'));
    await waitFor(() => expect(getConversationList(alice).getSnapshot().loading).toBe(false));
    // A conversation:list answered after the join shows the server's count: nothing was read.
    await act(() => getConversationList(alice).refresh());
    expect(hook.result.current.unread).toBeGreaterThan(0);
  });

  it('useReadReceipts hears the other participant read', async () => {
    const seq = await bobSends(1);
    const bob = env.client('bob');
    const receipts = renderHook(() => ({ room: useConversation('alice-bob', { markRead: false }), receipts: useReadReceipts('alice-bob') }), { wrapper: withClient(bob) });
    await waitFor(() => expect(receipts.result.current.room.status).toBe('joined'));
    renderHook(() => useConversation('alice-bob'), { wrapper: env.provider('alice') });
    await waitFor(() => expect(receipts.result.current.receipts.get('alice')).toBe(seq));
  });

  it('useNotificationInbox: live notifications, markRead and markAllRead', async () => {
    await env.server.socketkit.notify('alice', { title: 'Stored first', body: '' });
    const hook = renderHook(() => useNotificationInbox(), { wrapper: env.provider('alice') });
    await waitFor(() => expect(hook.result.current.loading).toBe(false));
    expect(hook.result.current.notifications[0]).toMatchObject({ title: 'Stored first', readAt: null });
    const unread = hook.result.current.unreadCount;
    await env.server.socketkit.notify('alice', { title: 'Live', body: 'now' });
    await waitFor(() => expect(hook.result.current.unreadCount).toBe(unread + 1));
    await act(() => hook.result.current.markRead([hook.result.current.notifications[0]!.id]));
    expect(hook.result.current.unreadCount).toBe(unread);
    await act(() => hook.result.current.markAllRead());
    expect(hook.result.current.unreadCount).toBe(0);
    expect(hook.result.current.notifications.every((n) => n.readAt !== null)).toBe(true);
  });
});
