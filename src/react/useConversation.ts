import { useEffect, useMemo } from './react.js';
import { markConversationRead, type ConversationHandle, type ConversationSnapshot } from 'socketkit';
import type { ConversationId } from 'socketkit/protocol';
import { useJoinedConversation } from './useJoinedConversation.js';
import { useRealtimeClient } from './useRealtimeClient.js';
import { bound, useStore } from './useStore.js';

/** The conversation's actions, bound and stable for a given conversation and client. */
export type ConversationActions = Pick<ConversationHandle, 'send' | 'retry' | 'discard' | 'loadOlder' | 'startTyping' | 'stopTyping'>;

/** What `useConversation()` returns. */
export type ConversationState = ConversationSnapshot & ConversationActions;

/** Options of `useConversation`. */
export interface ConversationOptions {
  /**
   * Mark what is shown read (`markConversationRead` up to the newest
   * stored message) while mounted and joined. Default true; false for
   * a preview that must not clear the user's unread badge.
   */
  markRead?: boolean;
}

/** The seq of the newest stored message shown, 0 when none. */
function newestSeq(snapshot: ConversationSnapshot): number {
  for (let i = snapshot.messages.length - 1; i >= 0; i--) {
    const seq = snapshot.messages[i]!.seq;
    if (seq !== null) return seq;
  }
  return 0;
}

/**
 * A conversation: joined on mount, left on unmount (shared: two components
 * on one conversation make one join). Returns the snapshot (`status`,
 * `messages` with pending and failed sends, `typingUserIds`, `hasMore`,
 * `loadingOlder`, `error`) and bound actions. Re-renders once per change of
 * the snapshot, however many listeners the core runs for it. While joined it
 * marks read what it shows (protocol 1.2; `{ markRead: false }` opts out),
 * so the user's unread badges drop on every device.
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
export function useConversation(conversationId: ConversationId, { markRead = true }: ConversationOptions = {}): ConversationState {
  const client = useRealtimeClient();
  const handle = useJoinedConversation(conversationId);
  const snapshot = useStore(handle);
  const shownSeq = snapshot.status === 'joined' ? newestSeq(snapshot) : 0;
  useEffect(() => {
    if (markRead && shownSeq > 0) markConversationRead(client, conversationId, shownSeq);
  }, [client, conversationId, shownSeq, markRead]);
  const actions = useMemo(
    () => bound(handle, ['send', 'retry', 'discard', 'loadOlder', 'startTyping', 'stopTyping']),
    [handle],
  );
  return useMemo(() => ({ ...snapshot, ...actions }), [snapshot, actions]);
}
