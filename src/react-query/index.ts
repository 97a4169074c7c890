/**
 * socketkit/react-query: keep TanStack Query data live from socketkit
 * events. The only entry that imports `@tanstack/react-query` (an optional
 * peer dependency); use it inside both a `QueryClientProvider` and a
 * `RealtimeProvider`.
 */
export { useRealtimeQueryBridge, useInvalidateOnReconnect } from './useRealtimeQueryBridge.js';
export type { RealtimeQueryBridgeOptions } from './useRealtimeQueryBridge.js';
export { useLiveConversationList, applyMessageToConversationList } from './useLiveConversationList.js';
export type {
  LiveConversationItem,
  ConversationListData,
  ApplyMessageOptions,
  LiveConversationListOptions,
} from './useLiveConversationList.js';
export {
  conversationHistoryQueryOptions,
  conversationHistoryQueryKey,
  flattenHistory,
  appendMessageToHistory,
} from './conversation-history.js';
export type { ConversationHistoryQueryKey, ConversationHistoryQueryOptions } from './conversation-history.js';
