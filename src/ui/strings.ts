import type { RealtimeErrorCode } from 'socketkit';

/**
 * Every visible string of the UI kit, in one overridable map. Strings that
 * depend on a number or a name are functions so translations can handle
 * word order and plurals themselves.
 */
export interface SocketkitStrings {
  online: string;
  offline: string;
  /** `relative` is already localized, e.g. "5 minutes ago". */
  lastSeen: (relative: string) => string;
  statusIdle: string;
  statusConnecting: string;
  statusConnected: string;
  statusReconnecting: string;
  statusDisconnected: string;
  statusFailed: string;
  /** `seconds` until the next attempt, or null when unknown / attempting now. */
  bannerReconnecting: (seconds: number | null) => string;
  bannerOffline: string;
  bannerFailed: string;
  bannerUnauthorized: string;
  retry: string;
  typingOne: (name: string) => string;
  typingTwo: (first: string, second: string) => string;
  typingMany: (count: number) => string;
  messagesLabel: string;
  emptyConversation: string;
  loadingOlder: string;
  sending: string;
  notSent: string;
  /** A failed message with its reason (`errorReason(code)`), e.g. "Not sent: message too long". */
  notSentBecause: (reason: string) => string;
  retryMessage: string;
  /** ChatPanel: the conversation does not exist (`NOT_FOUND` on join). */
  conversationNotFound: string;
  /** ChatPanel: the user is not a participant (`FORBIDDEN` on join). */
  conversationForbidden: string;
  /** ChatPanel: joining failed for another reason; `reason` is `errorReason(code)`. */
  conversationFailed: (reason: string) => string;
  /** ChatPanel: the connection failed for good (e.g. a refused token); `reason` is `errorReason(code)`. */
  chatNotConnected: (reason: string) => string;
  /** ChatPanel: shown instead of the empty state before the first connection (also in server-rendered HTML). */
  chatConnecting: string;
  /** ChatPanel: loading older history failed. */
  loadOlderFailed: (reason: string) => string;
  /** ChatPanel: retrying a failed message was refused. */
  retryFailed: (reason: string) => string;
  /** A short, readable reason for each error code (the `code` of a `RealtimeError`). */
  errorReason: (code: RealtimeErrorCode) => string;
  discardMessage: string;
  /** Announced to screen readers for a message from someone else. */
  newMessage: (name: string, content: string) => string;
  composerLabel: string;
  composerPlaceholder: string;
  send: string;
  /** MessageComposer: shown while the connection is lost (reconnecting or disconnected), not before the first connection. */
  composerQueued: string;
  /** MessageComposer: the client refused the message before queueing it (e.g. too many waiting); the text is kept. */
  sendRefused: (reason: string) => string;
  onlineUsersLabel: (count: number) => string;
  moreUsers: (count: number) => string;
  presenceListLabel: string;
  notificationsLabel: string;
  dismiss: string;
  /** ConversationList: its accessible name. */
  conversationListLabel: string;
  /** ConversationList: the user has no conversations. */
  noConversations: string;
  /** ConversationList: the server is older than protocol 1.2 (no conversation list). */
  conversationListUnsupported: string;
  /** ConversationList / NotificationInbox: loading the list failed; `reason` is `errorReason(code)`. */
  listFailed: (reason: string) => string;
  /** ConversationList: a conversation with no message yet. */
  noMessagesYet: string;
  /** ConversationList: the preview of the user's own last message. */
  ownMessagePreview: (content: string) => string;
  /** Unread badges, read by screen readers, e.g. "3 unread". */
  unreadCount: (count: number) => string;
  loadMore: string;
  /** NotificationInbox: the bell button's accessible name. */
  openNotifications: (unread: number) => string;
  noNotifications: string;
  markRead: string;
  markAllRead: string;
  /** ChatPanel: who has read the newest message, e.g. "Seen by Bob and Carol". */
  seenBy: (names: readonly string[]) => string;
}

/** The English defaults; pass a partial override to `<SocketkitUIProvider strings>`. */
export const defaultStrings: SocketkitStrings = {
  online: 'Online',
  offline: 'Offline',
  lastSeen: (relative) => `Last seen ${relative}`,
  statusIdle: 'Not connected',
  statusConnecting: 'Connecting…',
  statusConnected: 'Connected',
  statusReconnecting: 'Reconnecting…',
  statusDisconnected: 'Offline',
  statusFailed: 'Connection failed',
  bannerReconnecting: (s) => (s ? `Connection lost. Reconnecting in ${s} s…` : 'Connection lost. Reconnecting…'),
  bannerOffline: 'You are offline. Messages will be sent when the connection is back.',
  bannerFailed: 'Could not connect to the server.',
  bannerUnauthorized: 'Your session is not valid. Sign in again.',
  retry: 'Retry',
  typingOne: (name) => `${name} is typing`,
  typingTwo: (a, b) => `${a} and ${b} are typing`,
  typingMany: (n) => `${n} people are typing`,
  messagesLabel: 'Messages',
  emptyConversation: 'No messages yet. Say hello!',
  loadingOlder: 'Loading older messages…',
  sending: 'Sending…',
  notSent: 'Not sent',
  notSentBecause: (reason) => `Not sent: ${reason}`,
  retryMessage: 'Retry',
  conversationNotFound: 'This conversation does not exist.',
  conversationForbidden: 'You are not a member of this conversation.',
  conversationFailed: (reason) => `Could not open this conversation: ${reason}`,
  chatNotConnected: (reason) => `Not connected: ${reason}.`,
  chatConnecting: 'Connecting…',
  loadOlderFailed: (reason) => `Could not load older messages: ${reason}`,
  retryFailed: (reason) => `Could not send again: ${reason}`,
  errorReason: (code) => ERROR_REASONS[code] ?? code,
  discardMessage: 'Discard',
  newMessage: (name, content) => `${name}: ${content}`,
  composerLabel: 'Message',
  composerPlaceholder: 'Write a message…',
  send: 'Send',
  composerQueued: 'Offline: messages are queued and sent on reconnect.',
  sendRefused: (reason) => `Not sent: ${reason}. Your text is still here.`,
  onlineUsersLabel: (n) => `${n} online`,
  moreUsers: (n) => `+${n}`,
  presenceListLabel: 'People',
  notificationsLabel: 'Notifications',
  dismiss: 'Dismiss',
  conversationListLabel: 'Conversations',
  noConversations: 'No conversations yet.',
  conversationListUnsupported: 'This server does not provide a conversation list.',
  listFailed: (reason) => `Could not load the list: ${reason}`,
  noMessagesYet: 'No messages yet',
  ownMessagePreview: (content) => `You: ${content}`,
  unreadCount: (n) => `${n} unread`,
  loadMore: 'Show more',
  openNotifications: (n) => (n > 0 ? `Notifications, ${n} unread` : 'Notifications'),
  noNotifications: 'No notifications.',
  markRead: 'Mark read',
  markAllRead: 'Mark all read',
  seenBy: (names) => `Seen by ${names.length <= 2 ? names.join(' and ') : `${names.slice(0, 2).join(', ')} and ${names.length - 2} more`}`,
};

/** English reasons by error code, for `defaultStrings.errorReason`. */
const ERROR_REASONS: Partial<Record<RealtimeErrorCode, string>> = {
  BAD_REQUEST: 'the server refused it as invalid',
  FORBIDDEN: 'you are not allowed to do this',
  NOT_FOUND: 'it does not exist',
  RATE_LIMITED: 'too many requests, try again in a moment',
  PAYLOAD_TOO_LARGE: 'it is too long',
  INTERNAL: 'the server had a problem',
  TOKEN_MISSING: 'you are not signed in',
  TOKEN_INVALID: 'your session is not valid',
  TOKEN_EXPIRED: 'your session expired',
  TIMEOUT: 'the server did not answer in time',
  DISCONNECTED: 'the connection was lost',
  OUTBOX_FULL: 'too many messages are waiting to be sent',
  DESTROYED: 'the client was closed',
  CONNECT_FAILED: 'could not reach the server',
};
