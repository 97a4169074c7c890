import { useEffect } from './react.js';
import { releaseLater, type ConversationHandle } from 'socketkit';
import type { ConversationId } from 'socketkit/protocol';
import { useRealtimeClient } from './useRealtimeClient.js';

/**
 * The core's shared handle of a conversation, joined while mounted. Internal
 * to useConversation and useTyping. The join is reference-counted in the
 * core and released with the core's `releaseLater`: any number of components
 * (and StrictMode's double effects) make one join on the server.
 */
export function useJoinedConversation(conversationId: ConversationId): ConversationHandle {
  const client = useRealtimeClient();
  const handle = client.conversation(conversationId); // the same handle while anyone uses it
  useEffect(() => {
    const release = handle.join();
    return () => releaseLater(release);
  }, [handle]);
  return handle;
}
