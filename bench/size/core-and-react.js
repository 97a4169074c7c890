// Size-limit entry: everything an app gets from `socketkit` and `socketkit/react`
// except the inbox (bench/size/inbox.js), which only the apps that use it ship.
// bench/check-treeshake.mjs fails when an export is in neither file.
// (The names resolve to dist/ through .size-limit.js.)
export {
  createRealtimeClient,
  RealtimeError,
  computeBackoffDelay,
  createStore,
  batch,
  releaseLater,
  transition,
  toStatus,
  RESERVED_EVENT_NAMES,
  MAX_WAITING_READS,
  markConversationRead,
  TYPING_THROTTLE_MS,
  TYPING_IDLE_MS,
  TYPING_EXPIRY_MS,
  MAX_CATCH_UP,
  MAX_SEND_ATTEMPTS,
  inspectClient,
} from 'socketkit';
export {
  RealtimeProvider,
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
