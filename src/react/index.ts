/**
 * socketkit/react: `<RealtimeProvider>` and hooks, thin over the core client's
 * stores (`useSyncExternalStore`). One hook per module and no side effects,
 * so a bundler keeps only the hooks an app imports. Works with React 18 and 19.
 */
export { RealtimeProvider } from './RealtimeProvider.js';
export type { RealtimeProviderProps, RealtimeProviderClientProps, RealtimeProviderUrlProps } from './RealtimeProvider.js';
export { useRealtimeClient } from './useRealtimeClient.js';
export { useSocket } from './useSocket.js';
export type { SocketState } from './useSocket.js';
export { useRealtimeEvent } from './useRealtimeEvent.js';
export type { EventPayload } from './useRealtimeEvent.js';
export { usePresence } from './usePresence.js';
export { usePresenceOf } from './usePresenceOf.js';
export { useOnlineUsers } from './useOnlineUsers.js';
export type { OnlineUsersState } from './useOnlineUsers.js';
export { useConversation } from './useConversation.js';
export type { ConversationState, ConversationActions, ConversationOptions } from './useConversation.js';
export { useTyping } from './useTyping.js';
export type { TypingState } from './useTyping.js';
export { useNotifications } from './useNotifications.js';
export type { NotificationsState } from './useNotifications.js';
export { useConversationList } from './useConversationList.js';
export type { ConversationListState } from './useConversationList.js';
export { useUnreadCount } from './useUnreadCount.js';
export { useReadReceipts } from './useReadReceipts.js';
export { useNotificationInbox } from './useNotificationInbox.js';
export type { NotificationInboxState } from './useNotificationInbox.js';
