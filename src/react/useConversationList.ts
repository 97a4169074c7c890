import { useEffect, useMemo } from './react.js';
import { getConversationList, type ConversationListApi, type ConversationListSnapshot } from 'socketkit';
import { useRealtimeClient } from './useRealtimeClient.js';
import { bound, useStore } from './useStore.js';

/** What `useConversationList()` returns: the core's `getConversationList(client)` snapshot plus its actions. */
export type ConversationListState = ConversationListSnapshot & Pick<ConversationListApi, 'loadMore' | 'refresh' | 'markRead'>;

/**
 * The user's conversations, most recent activity first, each with its last
 * message, `lastReadSeq` and `unreadCount` (protocol 1.2 `conversation:list`),
 * kept live by the server's events and fetched again after every reconnect.
 * Reads the client's one list: any number of components make one request.
 * `unsupported` is true against a server older than protocol 1.2.
 *
 * @example
 * function Inbox() {
 *   const { conversations, loading, hasMore, loadMore } = useConversationList();
 *   if (loading) return null;
 *   return (
 *     <ul>
 *       {conversations.map((c) => <li key={c.id}>{c.title ?? c.id} ({c.unreadCount})</li>)}
 *       {hasMore && <button onClick={() => loadMore()}>More</button>}
 *     </ul>
 *   );
 * }
 */
export function useConversationList({ limit, enabled = true }: { limit?: number; enabled?: boolean } = {}): ConversationListState {
  const conversationList = getConversationList(useRealtimeClient());
  useEffect(() => {
    if (enabled) return conversationList.watch({ limit });
  }, [conversationList, limit, enabled]);
  const snapshot = useStore(conversationList);
  const actions = useMemo(() => bound(conversationList, ['loadMore', 'refresh', 'markRead']), [conversationList]);
  return useMemo(() => ({ ...snapshot, ...actions }), [snapshot, actions]);
}
