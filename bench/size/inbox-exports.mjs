// The inbox's public names (protocol 1.2 stores and their hooks): opt-in, made per client on first
// use. bench/size/core-and-react.js exports every other name; check-treeshake.mjs checks both lists.
export const INBOX_EXPORTS = {
  socketkit: ['getConversationList', 'getNotificationInbox', 'getReadReceipts', 'MAX_INBOX_NOTIFICATIONS', 'MAX_RECEIPT_CONVERSATIONS'],
  'socketkit/react': ['useConversationList', 'useNotificationInbox', 'useReadReceipts', 'useUnreadCount'],
};
