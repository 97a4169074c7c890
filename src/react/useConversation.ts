import { useMemo } from './react.js';
import type { ConversationHandle, ConversationSnapshot } from 'socketkit';
import type { ConversationId } from 'socketkit/protocol';
import { useJoinedConversation } from './useJoinedConversation.js';
import { bound, useStore } from './useStore.js';

/** The conversation's actions, bound and stable for a given conversation and client. */
export type ConversationActions = Pick<ConversationHandle, 'send' | 'retry' | 'discard' | 'loadOlder' | 'startTyping' | 'stopTyping'>;

/** What `useConversation()` returns. */
export type ConversationState = ConversationSnapshot & ConversationActions;

/**
 * A conversation: joined on mount, left on unmount (shared: two components
 * on one conversation make one join). Returns the snapshot (`status`,
 * `messages` with pending and failed sends, `typingUserIds`, `hasMore`,
 * `loadingOlder`, `error`) and bound actions. Re-renders once per change of
 * the snapshot, however many listeners the core runs for it.
 *
 * @example
 * function Chat({ id }: { id: string }) {
 *   const { messages, typingUserIds, send, startTyping } = useConversation(id);
 *   return (
 *     <>
 *       <ul>{messages.map((m) => <li key={m.clientMessageId}>{m.content}</li>)}</ul>
 *       {typingUserIds.length > 0 && <p>{typingUserIds.join(', ')} typing…</p>}
 *       <input onChange={startTyping} onKeyDown={(e) => e.key === 'Enter' && send(e.currentTarget.value)} />
 *     </>
 *   );
 * }
 */
export function useConversation(conversationId: ConversationId): ConversationState {
  const handle = useJoinedConversation(conversationId);
  const snapshot = useStore(handle);
  const actions = useMemo(
    () => bound(handle, ['send', 'retry', 'discard', 'loadOlder', 'startTyping', 'stopTyping']),
    [handle],
  );
  return useMemo(() => ({ ...snapshot, ...actions }), [snapshot, actions]);
}
