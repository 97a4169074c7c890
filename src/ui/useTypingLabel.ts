import { useTyping } from 'socketkit/react';
import { useSocketkitUI } from './SocketkitUIProvider.js';

/**
 * Who is typing in a conversation, as one localized sentence: "Alice is
 * typing", "Alice and Bob are typing", "3 people are typing"; null when nobody is.
 *
 * @example
 * const label = useTypingLabel('general');
 */
export function useTypingLabel(conversationId: string): string | null {
  const { typingUserIds } = useTyping(conversationId);
  const { users, strings } = useSocketkitUI();
  const names = typingUserIds.map((id) => users[id]?.name ?? id);
  if (names.length === 0) return null;
  if (names.length === 1) return strings.typingOne(names[0]!);
  if (names.length === 2) return strings.typingTwo(names[0]!, names[1]!);
  return strings.typingMany(names.length);
}
