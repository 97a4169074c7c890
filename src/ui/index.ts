/**
 * socketkit/ui: accessible, themeable React components for realtime apps,
 * built on the public hooks of `socketkit/react` (types from `socketkit`, `LIMITS` from `socketkit/protocol`). Import the stylesheet
 * once: `import 'socketkit/ui/styles.css'`.
 */
export { SocketkitUIProvider, useSocketkitUI, useUserInfo } from './SocketkitUIProvider.js';
export type { SocketkitUIProviderProps, SocketkitUIContextValue, UserInfo } from './SocketkitUIProvider.js';
export { defaultStrings } from './strings.js';
export type { SocketkitStrings } from './strings.js';
export { formatRelative } from './format.js';
export { useLatestCallback } from './useLatestCallback.js';

export { ConnectionBanner } from './ConnectionBanner.js';
export type { ConnectionBannerProps } from './ConnectionBanner.js';
export { useConnectionBanner } from './useConnectionBanner.js';
export type { ConnectionBannerKind, ConnectionBannerState } from './useConnectionBanner.js';
export { ConnectionStatus } from './ConnectionStatus.js';
export type { ConnectionStatusProps } from './ConnectionStatus.js';

export { PresenceBadge } from './PresenceBadge.js';
export type { PresenceBadgeProps } from './PresenceBadge.js';
export { usePresenceLabel } from './usePresenceLabel.js';
export { Avatar, avatarColorIndex, AVATAR_COLOR_COUNT } from './Avatar.js';
export type { AvatarProps } from './Avatar.js';
export { AvatarStack } from './AvatarStack.js';
export type { AvatarStackProps } from './AvatarStack.js';
export { useOnlineUserIds } from './useOnlineUserIds.js';
export { PresenceList } from './PresenceList.js';
export type { PresenceListProps } from './PresenceList.js';

export { ChatPanel } from './ChatPanel.js';
export type { ChatPanelProps } from './ChatPanel.js';
export { MessageList } from './MessageList.js';
export type { MessageListProps } from './MessageList.js';
export { MessageComposer } from './MessageComposer.js';
export type { MessageComposerProps } from './MessageComposer.js';
export { TypingIndicator } from './TypingIndicator.js';
export type { TypingIndicatorProps } from './TypingIndicator.js';
export { useTypingLabel } from './useTypingLabel.js';

export { SeenBy } from './SeenBy.js';
export type { SeenByProps } from './SeenBy.js';
export { ConversationList } from './ConversationList.js';
export type { ConversationListProps } from './ConversationList.js';

export { NotificationInbox } from './NotificationInbox.js';
export type { NotificationInboxProps } from './NotificationInbox.js';
export { NotificationToaster } from './NotificationToaster.js';
export type { NotificationToasterProps } from './NotificationToaster.js';
