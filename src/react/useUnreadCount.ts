import { useEffect } from './react.js';
import { getConversationList, type ConversationListSnapshot } from 'socketkit';
import type { ConversationId } from 'socketkit/protocol';
import { useRealtimeClient } from './useRealtimeClient.js';
import { useStore } from './useStore.js';

const totalOf = (snapshot: ConversationListSnapshot) => snapshot.unreadCount;

/**
 * Unread messages: the total over the user's loaded conversations, or one
 * conversation's count (0 while it is not in the list). Synced across the
 * user's devices: reading on one drops the badge on the others. Watches the
 * client's conversation list while mounted (shared with `useConversationList`).
 *
 * @example
 * function Badge({ id }: { id?: string }) {
 *   const unread = useUnreadCount(id);
 *   return unread > 0 ? <span className="badge">{unread}</span> : null;
 * }
 */
export function useUnreadCount(conversationId?: ConversationId): number {
  const conversationList = getConversationList(useRealtimeClient());
  useEffect(() => conversationList.watch(), [conversationList]);
  return useStore(
    conversationList,
    conversationId === undefined ? totalOf : (snapshot) => snapshot.conversations.find((item) => item.id === conversationId)?.unreadCount ?? 0,
  );
}
