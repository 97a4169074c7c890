import { memo, type ReactNode } from 'react';
import type { ClientMessage } from 'socketkit';
import { useSocketkitUI, useUserInfo } from './SocketkitUIProvider.js';
import { Avatar } from './Avatar.js';
import { formatTime } from './format.js';

/** Props of a message row; everything but `message` is stable across renders of the list. */
export interface MessageRowProps {
  message: ClientMessage;
  groupStart: boolean;
  mine: boolean;
  renderContent: ((message: ClientMessage) => ReactNode) | undefined;
  onRetry: (clientMessageId: string) => void;
  onDiscard: (clientMessageId: string) => void;
}

/**
 * One message. Memoized: appending to the list renders only the new rows,
 * and a status change (sending → sent) renders only that row.
 */
export const MessageRow = memo(function MessageRow({ message, groupStart, mine, renderContent, onRetry, onDiscard }: MessageRowProps) {
  const { strings, locale } = useSocketkitUI();
  const { name } = useUserInfo(message.senderId);
  const time = formatTime(message.createdAt, locale);
  return (
    <div className="sk-message" data-status={message.status} data-mine={mine} data-group-start={groupStart}>
      {groupStart ? <Avatar userId={message.senderId} decorative /> : <span className="sk-avatar-spacer" />}
      <div className="sk-message-body">
        {groupStart && (
          <div className="sk-message-meta">
            <span className="sk-message-sender">{name}</span> <time dateTime={message.createdAt}>{time}</time>
          </div>
        )}
        <div className="sk-message-content">{renderContent ? renderContent(message) : message.content}</div>
        {message.status === 'sending' && <div className="sk-message-state">{strings.sending}</div>}
        {message.status === 'failed' && (
          <div className="sk-message-state" role="alert">
            {message.error ? strings.notSentBecause(strings.errorReason(message.error.code)) : strings.notSent}{' '}
            <button type="button" className="sk-link" onClick={() => onRetry(message.clientMessageId)}>
              {strings.retryMessage}
            </button>{' '}
            <button type="button" className="sk-link" onClick={() => onDiscard(message.clientMessageId)}>
              {strings.discardMessage}
            </button>
          </div>
        )}
      </div>
    </div>
  );
});
