/** A tree that uses every hook of socketkit/react, for the SSR and hydration tests. */
import {
  useConversation,
  useNotifications,
  useOnlineUsers,
  usePresence,
  usePresenceOf,
  useRealtimeClient,
  useRealtimeEvent,
  useSocket,
  useTyping,
} from 'socketkit/react';

export function EveryHook({ onEvent }: { onEvent?: (payload: unknown) => void }) {
  const client = useRealtimeClient();
  const { status, isConnected } = useSocket();
  useRealtimeEvent('notification:new', (n) => onEvent?.(n));
  const bob = usePresence('bob');
  const many = usePresenceOf(['bob', 'carol']);
  const online = useOnlineUsers();
  const chat = useConversation('general');
  const { typingUserIds } = useTyping('general');
  const { notifications } = useNotifications();
  return (
    <main data-url={client.url}>
      <p id="status" data-connected={isConnected}>{status}</p>
      <p id="bob">{bob.online ? 'online' : 'offline'}</p>
      <p id="many">{[...many.values()].filter((p) => p.online).length} online of {many.size}</p>
      <p id="online-users">{online.loading ? 'loading' : online.users.length}</p>
      <p id="chat" data-status={chat.status}>{chat.messages.length} messages</p>
      <p id="typing">{typingUserIds.join(',')}</p>
      <p id="notifications">{notifications.length}</p>
    </main>
  );
}
