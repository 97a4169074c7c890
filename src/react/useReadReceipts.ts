import { getReadReceipts } from 'socketkit';
import type { ConversationId, UserId } from 'socketkit/protocol';
import { useRealtimeClient } from './useRealtimeClient.js';
import { useStore } from './useStore.js';

const NONE: ReadonlyMap<UserId, number> = new Map();

/**
 * Read receipts of one conversation: for each other participant heard from,
 * the highest seq they read (`receipt:read`). The server sends receipts to
 * sockets joined to the conversation, so read this beside `useConversation`;
 * it starts empty and fills as participants read. A message with `seq` was
 * seen by every user whose entry is `>= seq`.
 *
 * @example
 * const receipts = useReadReceipts(id);
 * const seenBy = [...receipts].filter(([, seq]) => seq >= lastMessage.seq).map(([userId]) => userId);
 */
export function useReadReceipts(conversationId: ConversationId): ReadonlyMap<UserId, number> {
  const readReceipts = getReadReceipts(useRealtimeClient());
  return useStore(readReceipts, (snapshot) => snapshot.get(conversationId) ?? NONE);
}
