import type { ReactNode } from 'react';
import { act, renderHook, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { RealtimeClient } from 'socketkit';
import type { Ack, Conversation, Message, MessageSendResult } from 'socketkit/protocol';
import { RealtimeProvider, useConversation, useRealtimeClient } from 'socketkit/react';
import {
  appendMessageToHistory,
  applyMessageToConversationList,
  conversationHistoryQueryKey,
  conversationHistoryQueryOptions,
  flattenHistory,
  useLiveConversationList,
  useRealtimeQueryBridge,
  type LiveConversationItem,
} from 'socketkit/react-query';
import { roomSize, useTestServer } from './helpers.js';

const env = useTestServer();

function sendAs(socket: Socket, conversationId: string, content: string): Promise<Message> {
  return new Promise((resolve, reject) =>
    socket.emit('message:send', { conversationId, content, clientMessageId: `rq-${content}` }, (ack: Ack<MessageSendResult>) =>
      ack.ok ? resolve(ack.message) : reject(new Error(ack.error.message)),
    ),
  );
}

function wrapperFor(client: RealtimeClient, queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })) {
  return {
    queryClient,
    wrapper: ({ children }: { children?: ReactNode }) => (
      <QueryClientProvider client={queryClient}>
        <RealtimeProvider client={client}>{children}</RealtimeProvider>
      </QueryClientProvider>
    ),
  };
}

type Item = Conversation & LiveConversationItem;

describe('useLiveConversationList', () => {
  it('patches a REST-fetched list on real message:new events: last message, unread count, order', async () => {
    const client = env.client('alice');
    const token = env.server.token('alice');
    const fetchConversations = async (): Promise<{ conversations: Item[] }> => {
      const res = await fetch(`${env.server.url}/api/conversations`, { headers: { authorization: `Bearer ${token}` } });
      return (await res.json()) as { conversations: Item[] };
    };
    const { wrapper } = wrapperFor(client);
    const { result, rerender } = renderHook(
      ({ active }: { active: string | null }) => {
        const query = useQuery({ queryKey: ['conversations'], queryFn: fetchConversations });
        const live = useLiveConversationList({ queryKey: ['conversations'], activeConversationId: active });
        return { list: query.data?.conversations ?? [], markRead: live.markRead };
      },
      { wrapper, initialProps: { active: null as string | null } },
    );
    await waitFor(() => expect(result.current.list.length).toBeGreaterThan(2));
    // The hook joins every listed conversation, since message:new reaches room members only.
    await waitFor(() => expect(roomSize(env.server, 'conversation:alice-bob')).toBe(1));
    await waitFor(() => expect(roomSize(env.server, 'conversation:design')).toBe(1));

    // The seed (protocol 1.2 read cursors) starts alice with one unread message from bob here.
    const unreadBefore = result.current.list.find((c) => c.id === 'alice-bob')?.unreadCount ?? 0;
    expect(unreadBefore).toBe(1);
    const generalUnreadBefore = result.current.list.find((c) => c.id === 'general')?.unreadCount ?? 0;
    expect(generalUnreadBefore).toBe(4);
    const bob = await env.server.connect('bob');
    await sendAs(bob, 'alice-bob', 'one');
    await waitFor(() => expect(result.current.list[0]?.lastMessage?.content).toBe('one'));
    expect(result.current.list[0]).toMatchObject({ id: 'alice-bob', unreadCount: unreadBefore + 1 });
    await sendAs(bob, 'alice-bob', 'two');
    await waitFor(() => expect(result.current.list[0]).toMatchObject({ id: 'alice-bob', unreadCount: unreadBefore + 2 }));

    rerender({ active: 'alice-bob' });
    await waitFor(() => expect(result.current.list[0]?.unreadCount).toBe(0));
    await sendAs(bob, 'alice-bob', 'three');
    await waitFor(() => expect(result.current.list[0]?.lastMessage?.content).toBe('three'));
    expect(result.current.list[0]?.unreadCount).toBe(0);

    await sendAs(bob, 'general', 'to everyone');
    await waitFor(() => expect(result.current.list[0]).toMatchObject({ id: 'general', unreadCount: generalUnreadBefore + 1 }));
    expect(result.current.list[1]?.id).toBe('alice-bob');

    // alice's other tab: her own message is not unread here.
    const otherTab = await env.server.connect('alice');
    await sendAs(otherTab, 'design', 'from my phone');
    await waitFor(() => expect(result.current.list[0]).toMatchObject({ id: 'design', unreadCount: 0 }));

    act(() => result.current.markRead('general'));
    await waitFor(() => expect(result.current.list.find((c) => c.id === 'general')?.unreadCount).toBe(0));
  });

  it('applyMessageToConversationList ignores replays and unknown conversations', () => {
    const message: Message = { id: 'm', seq: 5, conversationId: 'b', senderId: 'bob', content: 'x', createdAt: '', clientMessageId: 'c' };
    const list = [{ id: 'a' }, { id: 'b', unreadCount: 1 }];
    const next = applyMessageToConversationList(list, message);
    expect(next).toEqual([{ id: 'b', unreadCount: 2, lastMessage: message }, { id: 'a' }]);
    expect(applyMessageToConversationList(next, message)).toBe(next);
    expect(applyMessageToConversationList(list, { ...message, conversationId: 'zzz' })).toBe(list);
    expect(applyMessageToConversationList(list, message, { moveToTop: false })[1]?.id).toBe('b');
  });
});

describe('useRealtimeQueryBridge', () => {
  it('invalidates a query on an event, and again after a reconnect', async () => {
    const client = env.client('alice');
    let fetches = 0;
    const { wrapper } = wrapperFor(client);
    const { result } = renderHook(
      () => {
        useRealtimeQueryBridge({ event: 'notification:new', queryKey: ['inbox'] });
        return useQuery({ queryKey: ['inbox'], queryFn: async () => ++fetches });
      },
      { wrapper },
    );
    await waitFor(() => expect(result.current.data).toBe(1));
    await waitFor(() => expect(client.connection.getSnapshot().status).toBe('connected'));
    env.server.socketkit.sendToUser('alice', 'notification:new', { id: 'n', title: 't', body: 'b', createdAt: new Date().toISOString() });
    await waitFor(() => expect(result.current.data).toBe(2));

    env.server.io.in('user:alice').disconnectSockets(true);
    await waitFor(() => expect(result.current.data).toBe(3));
    expect(client.connection.getSnapshot().status).toBe('connected');
  });

  it('patches the cache with setQueryData from a real message:new, keyed by the payload', async () => {
    const client = env.client('alice');
    const { wrapper, queryClient } = wrapperFor(client);
    const { result } = renderHook(
      () => {
        const chat = useConversation('general'); // in the room, so message:new reaches us
        useRealtimeQueryBridge({
          event: 'message:new',
          queryKey: (m) => ['messages', m.conversationId],
          update: (messages: string[], m) => [...messages, m.content],
          invalidateOnReconnect: false,
        });
        const query = useQuery({ queryKey: ['messages', 'general'], queryFn: async () => ['seeded'], staleTime: Infinity });
        return { status: chat.status, data: query.data };
      },
      { wrapper },
    );
    await waitFor(() => expect(result.current.status).toBe('joined'));
    await waitFor(() => expect(result.current.data).toEqual(['seeded']));
    const bob = await env.server.connect('bob');
    await sendAs(bob, 'general', 'patched in');
    await waitFor(() => expect(result.current.data).toEqual(['seeded', 'patched in']));
    // Queries of other conversations and queries without data are left alone.
    expect(queryClient.getQueryData(['messages', 'design'])).toBeUndefined();
  });
});

describe('conversationHistoryQueryOptions', () => {
  it('pages back through history with useInfiniteQuery and takes live messages', async () => {
    const client = env.client('alice');
    const { wrapper } = wrapperFor(client);
    const { result } = renderHook(
      () => {
        const realtime = useRealtimeClient();
        useConversation('long-history');
        useRealtimeQueryBridge({
          event: 'message:new',
          queryKey: (m) => conversationHistoryQueryKey(realtime, m.conversationId),
          update: appendMessageToHistory,
          invalidateOnReconnect: false,
        });
        return useInfiniteQuery(conversationHistoryQueryOptions(realtime, 'long-history', { pageSize: 100 }));
      },
      { wrapper },
    );
    await waitFor(() => expect(result.current.data?.pages).toHaveLength(1));
    const first = flattenHistory(result.current.data);
    expect(first).toHaveLength(100);
    const newest = first.at(-1)!.seq;
    expect(first[0]!.seq).toBe(newest - 99);
    expect(result.current.hasNextPage).toBe(true);

    await act(() => result.current.fetchNextPage());
    await waitFor(() => expect(result.current.data?.pages).toHaveLength(2));
    const two = flattenHistory(result.current.data).map((m) => m.seq);
    expect(two).toEqual(Array.from({ length: 200 }, (_, i) => newest - 199 + i));

    await waitFor(() => expect(roomSize(env.server, 'conversation:long-history')).toBe(1));
    const bob = await env.server.connect('bob');
    const live = await sendAs(bob, 'long-history', 'fresh');
    await waitFor(() => expect(flattenHistory(result.current.data).at(-1)?.id).toBe(live.id));
    expect(flattenHistory(result.current.data)).toHaveLength(201);
  });
});
