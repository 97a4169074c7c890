import { useEffect, useLayoutEffect, useRef, type RefObject } from 'react';
import type { ClientMessage } from 'socketkit';
import type { MessageRowModel } from './message-rows.js';
import { messageKey } from './message-rows.js';
import { useLatestCallback } from './useLatestCallback.js';
import type { VirtualList } from './useVirtualList.js';

// Layout effects warn during SSR; effects are enough there because nothing is measured.
const useIsoLayoutEffect = typeof document === 'undefined' ? useEffect : useLayoutEffect;

/** Within this many px of the bottom the list sticks to new messages. */
export const PIN_SLACK_PX = 32;
/** Within this many px of the top the list loads older history. */
export const LOAD_OLDER_PX = 300;

/** What `useChatScroll` needs: the rows, their windowing, and the older-history state. */
export interface ChatScrollOptions {
  rows: readonly MessageRowModel[];
  virtual: VirtualList;
  /** The newest message, to scroll to the reader's own new message. */
  last: ClientMessage | undefined;
  currentUserId: string | null | undefined;
  hasMore: boolean | undefined;
  loadingOlder: boolean | undefined;
  onLoadOlder: (() => void) | undefined;
}

/**
 * All of a chat list's scrolling, in one place:
 * - **stick to bottom**: while the reader is within `PIN_SLACK_PX` of the end,
 *   new rows, re-measured rows and a resized container keep it at the end; the
 *   reader's own new message always scrolls to the end;
 * - **keep position on prepend**: otherwise the message at the top of the viewport
 *   (and how far into it) is the anchor, restored after rows are prepended or re-measured;
 * - **load older**: within `LOAD_OLDER_PX` of the top, `onLoadOlder` is called
 *   (once per `loadingOlder` cycle, only while `hasMore`).
 *
 * Returns the scroll container's ref and its `onScroll` handler.
 */
export function useChatScroll({ rows, virtual, last, currentUserId, hasMore, loadingOlder, onLoadOlder }: ChatScrollOptions): {
  scrollerRef: RefObject<HTMLDivElement | null>;
  onScroll: () => void;
} {
  const scrollerRef = useRef<HTMLDivElement>(null);
  // The row at the top of the viewport and how far into it we are.
  const anchor = useRef<{ key: string; delta: number } | null>(null);
  const lastKey = last ? messageKey(last) : '';
  const prevLastKey = useRef<string | null>(null);

  /** Reads the position: windowing viewport, anchor, and whether to load older history. */
  const sync = useLatestCallback((pin?: boolean) => {
    const el = scrollerRef.current;
    if (!el) return;
    const pinned = pin ?? el.scrollHeight - el.scrollTop - el.clientHeight <= PIN_SLACK_PX;
    virtual.setViewport(el.scrollTop, el.clientHeight, pinned);
    anchor.current = anchorAt(rows, virtual.offsets, el.scrollTop);
    if (hasMore && !loadingOlder && el.scrollTop < LOAD_OLDER_PX && el.clientHeight > 0) onLoadOlder?.();
  });

  // After every change of the rows' offsets: stick to the bottom, or restore the anchor.
  useIsoLayoutEffect(() => {
    const el = scrollerRef.current;
    if (!el) return;
    const ownNew = last !== undefined && lastKey !== prevLastKey.current && last.senderId === currentUserId && last.status !== 'sent';
    let pinned = virtual.pinnedToEnd || ownNew;
    if (pinned) el.scrollTop = el.scrollHeight;
    else if (anchor.current) {
      const i = virtual.indexOf(anchor.current.key);
      if (i !== undefined) {
        const target = virtual.offsets[i]! + anchor.current.delta;
        if (Math.abs(el.scrollTop - target) > 1) el.scrollTop = target;
      } else pinned = el.scrollHeight - el.scrollTop - el.clientHeight <= PIN_SLACK_PX;
    }
    sync(pinned);
    // Only a change of layout (new, removed or re-measured rows) moves the position.
  }, [virtual.offsets]);

  // The container's own size changes (window resize, keyboard on mobile).
  const pinnedToEnd = useLatestCallback(() => virtual.pinnedToEnd);
  useEffect(() => {
    const el = scrollerRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      const pinned = pinnedToEnd() === true;
      if (pinned) el.scrollTop = el.scrollHeight;
      sync(pinned || undefined);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [pinnedToEnd, sync]);

  useEffect(() => {
    prevLastKey.current = lastKey;
  }, [lastKey]);

  return { scrollerRef, onScroll: () => sync() };
}

/** The first message row at or below `scrollTop`, and how far into it the viewport starts. */
function anchorAt(rows: readonly MessageRowModel[], offsets: Float64Array, scrollTop: number): { key: string; delta: number } | null {
  if (rows.length === 0) return null;
  let i = Math.max(0, Math.min(rows.length - 1, firstAbove(offsets, scrollTop) - 1));
  // Anchor on a message: a day separator's row moves to the top when older messages of that day arrive.
  while (rows[i]!.kind === 'day' && i < rows.length - 1) i++;
  return { key: rows[i]!.key, delta: scrollTop - offsets[i]! };
}

/** First index whose offset is > y (offsets ascending). */
function firstAbove(offsets: Float64Array, y: number): number {
  let lo = 0;
  let hi = offsets.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid]! <= y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
