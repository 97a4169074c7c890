import { useCallback, useEffect, useRef, useSyncExternalStore } from 'react';
import { useQueryClient, type QueryClient, type QueryKey } from '@tanstack/react-query';
import type { ConversationId, Message, UserId } from 'socketkit/protocol';
import { releaseLater } from 'socketkit';
import { useRealtimeClient, useRealtimeEvent } from 'socketkit/react';
import { useInvalidateOnReconnect } from './useRealtimeQueryBridge.js';

/** The fields of a conversation-list item that are kept live; your items may carry more. */
export interface LiveConversationItem {
  id: ConversationId;
  lastMessage?: Message | null;
  unreadCount?: number;
}

/** Cached list shapes understood: an array, or `{ conversations }` as `GET /api/conversations` answers. */
export type ConversationListData<T extends LiveConversationItem = LiveConversationItem> =
  | readonly T[]
  | { conversations: readonly T[] };

/** Options of `applyMessageToConversationList`. */
export interface ApplyMessageOptions {
  /** The conversation on screen: its messages are read, not unread. */
  activeConversationId?: ConversationId | null | undefined;
  /** This user: an own message (from another tab) leaves the conversation read (`unreadCount` 0). */
  currentUserId?: UserId | null | undefined;
  /** Move the conversation to the top, for lists sorted by activity. Default true. */
  moveToTop?: boolean | undefined;
}

/**
 * Pure: the list with `message` applied to its conversation (last message,
 * unread count, position). Returns `list` itself when the conversation is
 * not in it or the message is not newer than its last one, so replays and
 * duplicates change nothing.
 */
export function applyMessageToConversationList<T extends LiveConversationItem>(
  list: readonly T[],
  message: Message,
  { activeConversationId, currentUserId, moveToTop = true }: ApplyMessageOptions = {},
): readonly T[] {
  const index = list.findIndex((item) => item.id === message.conversationId);
  const item = list[index];
  if (!item || (item.lastMessage && item.lastMessage.seq >= message.seq)) return list;
  const unread = item.unreadCount ?? 0;
  // My own message: protocol 1.2 moves my read cursor to its seq, so everything before it is read too.
  const unreadCount = message.senderId === currentUserId ? 0 : message.conversationId === activeConversationId ? unread : unread + 1;
  const next: T = { ...item, lastMessage: message, unreadCount };
  const rest = [...list.slice(0, index), ...list.slice(index + 1)];
  if (moveToTop) return [next, ...rest];
  rest.splice(index, 0, next);
  return rest;
}

const itemsOf = (data: ConversationListData): readonly LiveConversationItem[] => (Array.isArray(data) ? data : (data as { conversations: readonly LiveConversationItem[] }).conversations) ?? [];

function mapList(data: ConversationListData, change: (list: readonly LiveConversationItem[]) => readonly LiveConversationItem[]): ConversationListData {
  const list = itemsOf(data);
  const next = change(list);
  if (next === list) return data;
  return Array.isArray(data) ? next : { ...data, conversations: next };
}

/** Options of `useLiveConversationList`. */
export interface LiveConversationListOptions extends Omit<ApplyMessageOptions, 'currentUserId'> {
  /** Key of the query holding the list (array or `{ conversations }` of `{ id, lastMessage?, unreadCount? }`). */
  queryKey: QueryKey;
  /**
   * Join every listed conversation (reference-counted, shared with
   * `useConversation`) so `message:new` reaches this client: the server sends
   * it to a conversation's room only. Default true.
   */
  join?: boolean | undefined;
  queryClient?: QueryClient | undefined;
}

/**
 * Keeps a REST-fetched conversation list live: on `message:new` the
 * conversation gets the message as `lastMessage`, its `unreadCount` grows
 * (not for the active conversation nor own messages) and it moves to the
 * top. A message for a conversation not in the list refetches the list; so
 * does a reconnect. Opening a conversation (`activeConversationId`) marks it
 * read. Your `useQuery` fetches; this hook only patches its cache.
 *
 * @example
 * const { data } = useQuery({ queryKey: ['conversations'], queryFn: fetchConversations });
 * const { markRead } = useLiveConversationList({ queryKey: ['conversations'], activeConversationId: openId });
 */
export function useLiveConversationList(options: LiveConversationListOptions): { markRead(conversationId: ConversationId): void } {
  const { queryKey, activeConversationId, join = true } = options;
  const client = useRealtimeClient();
  const queryClient = useQueryClient(options.queryClient);

  useRealtimeEvent('message:new', (message) => {
    let known = false;
    queryClient.setQueriesData<ConversationListData>({ queryKey }, (data) =>
      data === undefined
        ? data
        : mapList(data, (list) => {
            known ||= list.some((item) => item.id === message.conversationId);
            const currentUserId = client.connection.getSnapshot().userId;
            return applyMessageToConversationList(list, message, { ...options, currentUserId });
          }),
    );
    if (!known) void queryClient.invalidateQueries({ queryKey });
  });
  useInvalidateOnReconnect(queryKey, queryClient);

  const markRead = useCallback(
    (conversationId: ConversationId) =>
      queryClient.setQueriesData<ConversationListData>({ queryKey }, (data) =>
        data === undefined
          ? data
          : mapList(data, (list) =>
              list.some((item) => item.id === conversationId && item.unreadCount)
                ? list.map((item) => (item.id === conversationId ? { ...item, unreadCount: 0 } : item))
                : list,
            ),
      ),
    // The key's content, not its identity, matters: callers pass inline arrays.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [queryClient, JSON.stringify(queryKey)],
  );
  useEffect(() => {
    if (activeConversationId) markRead(activeConversationId);
  }, [activeConversationId, markRead]);

  useJoinListed(queryKey, join, queryClient);
  return { markRead };
}

/** Joins the conversations listed in the cached query while mounted, following the list as it changes. */
function useJoinListed(queryKey: QueryKey, join: boolean, queryClient: QueryClient): void {
  const client = useRealtimeClient();
  // Read the cache, not a useQuery observer: an observer without the app's
  // queryFn would replace the query's options and break its refetches.
  const cache = queryClient.getQueryCache();
  const subscribe = useCallback((listener: () => void) => cache.subscribe(listener), [cache]);
  const last = useRef<{ data?: unknown; ids: string }>({ ids: '[]' });
  const idsKey = useSyncExternalStore(
    subscribe,
    () => {
      const data = queryClient.getQueryData<ConversationListData>(queryKey);
      if (data !== last.current.data) last.current = { data, ids: data ? JSON.stringify(itemsOf(data).map((item) => item.id)) : '[]' };
      return last.current.ids;
    },
    () => '[]',
  );
  const joined = useRef(new Map<ConversationId, () => void>());
  useEffect(() => {
    const wanted = new Set<ConversationId>(join ? (JSON.parse(idsKey) as ConversationId[]) : []);
    for (const [id, release] of joined.current) {
      if (!wanted.has(id)) {
        release();
        joined.current.delete(id);
      }
    }
    for (const id of wanted) if (!joined.current.has(id)) joined.current.set(id, client.conversation(id).join());
  }, [client, idsKey, join]);
  useEffect(() => {
    const releases = joined.current;
    return () => {
      // Released late, like useConversation: a StrictMode re-mount re-joins first.
      for (const release of releases.values()) releaseLater(release);
      releases.clear();
    };
  }, [client]);
}
