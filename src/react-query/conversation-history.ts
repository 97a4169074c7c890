import {
  infiniteQueryOptions,
  type DataTag,
  type InfiniteData,
  type UndefinedInitialDataInfiniteOptions,
} from '@tanstack/react-query';
import type { RealtimeClient } from 'socketkit';
import { LIMITS, type ConversationId, type HistoryResult, type Message } from 'socketkit/protocol';

/** Query key of a conversation's history. */
export type ConversationHistoryQueryKey = readonly ['socketkit', string, 'conversation-history', ConversationId];

/** What `conversationHistoryQueryOptions` returns: options for `useInfiniteQuery`, with a typed key. */
export type ConversationHistoryQueryOptions = UndefinedInitialDataInfiniteOptions<
  HistoryResult,
  Error,
  InfiniteData<HistoryResult>,
  ConversationHistoryQueryKey,
  number | undefined
> & { queryKey: DataTag<ConversationHistoryQueryKey, InfiniteData<HistoryResult>, Error> };

/** Query key of a conversation's history: `['socketkit', url, 'conversation-history', id]`. */
export function conversationHistoryQueryKey(client: RealtimeClient, conversationId: ConversationId): ConversationHistoryQueryKey {
  return ['socketkit', client.url, 'conversation-history', conversationId];
}

/**
 * `useInfiniteQuery` options paging back through a conversation with
 * `conversation:history`: the first page is the newest, each next page the
 * one before it (`beforeSeq`), until the server says there is no more.
 * Requests wait for the connection instead of failing while it comes up.
 * Use `flattenHistory` to get the messages oldest first.
 *
 * @example
 * const client = useRealtimeClient();
 * const { data, fetchNextPage, hasNextPage } = useInfiniteQuery(conversationHistoryQueryOptions(client, 'general'));
 * const messages = flattenHistory(data);
 */
export function conversationHistoryQueryOptions(
  client: RealtimeClient,
  conversationId: ConversationId,
  { pageSize = LIMITS.historyDefaultLimit }: { pageSize?: number } = {},
): ConversationHistoryQueryOptions {
  return infiniteQueryOptions({
    queryKey: conversationHistoryQueryKey(client, conversationId),
    queryFn: ({ pageParam, signal }): Promise<HistoryResult> =>
      client.request(
        'conversation:history',
        pageParam === undefined ? { conversationId, limit: pageSize } : { conversationId, beforeSeq: pageParam, limit: pageSize },
        { signal, queueWhileOffline: true },
      ),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last: HistoryResult) => (last.hasMore ? last.messages[0]?.seq : undefined),
  });
}

/** The loaded history, oldest first. */
export function flattenHistory(data: InfiniteData<HistoryResult> | undefined): Message[] {
  return data ? [...data.pages].reverse().flatMap((page) => page.messages) : [];
}

/**
 * Pure: the history with a new message appended to the newest page, for
 * `useRealtimeQueryBridge({ event: 'message:new', update: appendMessageToHistory })`.
 * A message already there (same `seq`) or older than the newest page changes nothing.
 */
export function appendMessageToHistory(data: InfiniteData<HistoryResult>, message: Message): InfiniteData<HistoryResult> {
  const [newest, ...older] = data.pages;
  const last = newest?.messages[newest.messages.length - 1];
  if (!newest || (last && last.seq >= message.seq)) return data;
  return { ...data, pages: [{ ...newest, messages: [...newest.messages, message] }, ...older] };
}
