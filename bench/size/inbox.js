// Size-limit entry: the inbox (protocol 1.2 conversation list, read receipts, notification
// inbox, and their hooks), the names of bench/size/inbox-exports.mjs.
export { getConversationList, getNotificationInbox, getReadReceipts, MAX_INBOX_NOTIFICATIONS, MAX_RECEIPT_CONVERSATIONS } from 'socketkit';
export { useConversationList, useNotificationInbox, useReadReceipts, useUnreadCount } from 'socketkit/react';
