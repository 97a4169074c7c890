import { useEffect, useMemo } from './react.js';
import type { ConversationHandle, ConversationSnapshot } from 'socketkit';
import type { ConversationId } from 'socketkit/protocol';
import { useRealtimeClient } from './useRealtimeClient.js';

/**
 * The core's shared handle of a conversation, joined while mounted, and the
 * snapshot to render on the server. Internal to useConversation and useTyping.
 * The join is reference-counted in the core: any number of components (and
 * StrictMode's double effects) make one join on the server.
 */
export function useJoinedConversation(conversationId: ConversationId): [ConversationHandle, ConversationSnapshot] {
  const client = useRealtimeClient();
  const handle = client.conversation(conversationId); // the same handle every time
  useEffect(() => {
    const release = handle.join();
    // Released a tick late: StrictMode's unmount → mount (and a component
    // moving in the tree) re-joins first, so the server sees no leave + join.
    return () => void Promise.resolve().then(release);
  }, [handle]);
  const serverSnapshot = useMemo<ConversationSnapshot>(
    () => ({
      conversationId,
      status: 'idle',
      messages: [],
      participantIds: [],
      typingUserIds: [],
      hasMore: false,
      loadingOlder: false,
      error: null,
    }),
    [conversationId],
  );
  return [handle, serverSnapshot];
}
