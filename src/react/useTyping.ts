import { useMemo } from './react.js';
import type { ConversationId, UserId } from 'socketkit/protocol';
import { useJoinedConversation } from './useJoinedConversation.js';
import { bound, useStore } from './useStore.js';

/** What `useTyping()` returns. */
export interface TypingState {
  /** Other users typing now. */
  typingUserIds: readonly UserId[];
  /** Throttled by the core: call it on every keystroke. */
  startTyping(): void;
  stopTyping(): void;
}

/**
 * Only the typing state of a conversation (joins it while mounted, shared
 * with `useConversation`). Re-renders when who is typing changes, not on
 * new messages.
 *
 * @example
 * function TypingLine({ id }: { id: string }) {
 *   const { typingUserIds } = useTyping(id);
 *   return typingUserIds.length ? <p aria-live="polite">{typingUserIds.join(', ')} typing…</p> : null;
 * }
 */
export function useTyping(conversationId: ConversationId): TypingState {
  const handle = useJoinedConversation(conversationId);
  const typingUserIds = useStore(handle, (s) => s.typingUserIds);
  const actions = useMemo(() => bound(handle, ['startTyping', 'stopTyping']), [handle]);
  return useMemo(() => ({ typingUserIds, ...actions }), [typingUserIds, actions]);
}
