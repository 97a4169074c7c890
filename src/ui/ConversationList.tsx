import { forwardRef, memo, useRef, useState, type HTMLAttributes, type KeyboardEvent } from 'react';
import type { ConversationSummary } from 'socketkit';
import { useConversationList, useSocket } from 'socketkit/react';
import { PresenceBadge } from './PresenceBadge.js';
import { useSocketkitUI, type SocketkitUIContextValue } from './SocketkitUIProvider.js';
import { useLatestCallback } from './useLatestCallback.js';
import { cx } from './cx.js';

/** Props of `<ConversationList>`: a `nav`'s, plus the selection. */
export interface ConversationListProps extends Omit<HTMLAttributes<HTMLElement>, 'onSelect'> {
  /** The conversation shown beside the list (`aria-selected`, `data-selected`). */
  selectedId?: string | null;
  /** Called with the id when a conversation is chosen (click, Enter or Space). */
  onSelect?: (conversationId: string) => void;
  /** Page size asked of the server. */
  limit?: number;
}

/** The title of a conversation: its own, else the other participants' names. */
function titleOf(item: ConversationSummary, me: string | null, users: SocketkitUIContextValue['users']): string {
  if (item.title) return item.title;
  const others = item.participantIds.filter((id) => id !== me);
  return others.map((id) => users[id]?.name ?? id).join(', ') || item.id;
}

/** Keys that move the active option, and where to. */
function nextIndex(key: string, index: number, count: number): number | null {
  if (key === 'ArrowDown') return Math.min(count - 1, index + 1);
  if (key === 'ArrowUp') return Math.max(0, index - 1);
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return null;
}

interface RowProps {
  item: ConversationSummary;
  me: string | null;
  selected: boolean;
  active: boolean;
  onSelect: (id: string) => void;
  onFocus: (id: string) => void;
}

const ConversationRow = memo(function ConversationRow({ item, me, selected, active, onSelect, onFocus }: RowProps) {
  const { strings, users } = useSocketkitUI();
  const others = item.participantIds.filter((id) => id !== me);
  const last = item.lastMessage;
  const preview = !last ? strings.noMessagesYet : last.senderId === me ? strings.ownMessagePreview(last.content) : last.content;
  return (
    <li
      role="option"
      id={`sk-conversation-${item.id}`}
      aria-selected={selected}
      tabIndex={active ? 0 : -1}
      className="sk-conversation"
      data-selected={selected || undefined}
      data-unread={item.unreadCount > 0 || undefined}
      data-conversation-id={item.id}
      onClick={() => onSelect(item.id)}
      onFocus={() => onFocus(item.id)}
    >
      <span className="sk-conversation-title">
        {others.length === 1 && <PresenceBadge userId={others[0]!} />}
        {titleOf(item, me, users)}
      </span>
      <span className="sk-conversation-preview">{preview}</span>
      {item.unreadCount > 0 && (
        <span className="sk-unread-badge" aria-label={strings.unreadCount(item.unreadCount)}>
          {item.unreadCount}
        </span>
      )}
    </li>
  );
});

/**
 * The user's conversations, most recent activity first (protocol 1.2): title,
 * last message preview, presence of the other participant in one-to-one
 * conversations, and an unread badge kept in sync across the user's devices.
 * A listbox: Arrow keys, Home and End move between conversations (roving
 * tabindex), Enter or Space selects. `data-status` on the root is `loading`,
 * `ready`, `error` or `unsupported` (a server before protocol 1.2).
 *
 * @example
 * const [id, setId] = useState<string | null>(null);
 * <ConversationList selectedId={id} onSelect={setId} />
 */
export const ConversationList = forwardRef<HTMLElement, ConversationListProps>(function ConversationList(
  { selectedId = null, onSelect, limit, className, ...rest },
  ref,
) {
  const list = useConversationList({ limit });
  const { userId } = useSocket();
  const { strings } = useSocketkitUI();
  const [activeId, setActiveId] = useState<string | null>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const { conversations } = list;
  const activeIndex = Math.max(0, conversations.findIndex((c) => c.id === (activeId ?? selectedId)));
  const select = useLatestCallback((id: string) => onSelect?.(id));
  const onKeyDown = (event: KeyboardEvent) => {
    if ((event.key === 'Enter' || event.key === ' ') && conversations[activeIndex]) {
      event.preventDefault();
      return select(conversations[activeIndex].id);
    }
    const next = nextIndex(event.key, activeIndex, conversations.length);
    if (next === null || !conversations[next]) return;
    event.preventDefault();
    setActiveId(conversations[next].id);
    listRef.current?.querySelectorAll<HTMLElement>('[role="option"]')[next]?.focus();
  };
  const status = list.unsupported ? 'unsupported' : list.error && conversations.length === 0 ? 'error' : list.loading ? 'loading' : 'ready';
  return (
    <nav ref={ref} aria-label={strings.conversationListLabel} {...rest} className={cx('sk-conversations', className)} data-status={status} data-stale={list.stale || undefined}>
      {status === 'unsupported' && <p className="sk-list-note">{strings.conversationListUnsupported}</p>}
      {status === 'error' && (
        <p className="sk-list-note" role="alert">
          {strings.listFailed(strings.errorReason(list.error!.code))}
        </p>
      )}
      {status === 'ready' && conversations.length === 0 && <p className="sk-list-note">{strings.noConversations}</p>}
      {conversations.length > 0 && (
        <ul ref={listRef} role="listbox" aria-label={strings.conversationListLabel} className="sk-conversation-list" onKeyDown={onKeyDown}>
          {conversations.map((item, index) => (
            <ConversationRow key={item.id} item={item} me={userId} selected={item.id === selectedId} active={index === activeIndex} onSelect={select} onFocus={setActiveId} />
          ))}
        </ul>
      )}
      {list.hasMore && (
        <button type="button" className="sk-link" disabled={list.loadingMore} onClick={() => void list.loadMore()}>
          {strings.loadMore}
        </button>
      )}
    </nav>
  );
});
