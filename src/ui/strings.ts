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
  retryMessage: string;
  discardMessage: string;
  /** Announced to screen readers for a message from someone else. */
  newMessage: (name: string, content: string) => string;
  composerLabel: string;
  composerPlaceholder: string;
  send: string;
  composerQueued: string;
  onlineUsersLabel: (count: number) => string;
  moreUsers: (count: number) => string;
  presenceListLabel: string;
  notificationsLabel: string;
  dismiss: string;
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
  retryMessage: 'Retry',
  discardMessage: 'Discard',
  newMessage: (name, content) => `${name}: ${content}`,
  composerLabel: 'Message',
  composerPlaceholder: 'Write a message…',
  send: 'Send',
  composerQueued: 'Offline: messages are queued and sent on reconnect.',
  onlineUsersLabel: (n) => `${n} online`,
  moreUsers: (n) => `+${n}`,
  presenceListLabel: 'People',
  notificationsLabel: 'Notifications',
  dismiss: 'Dismiss',
};
