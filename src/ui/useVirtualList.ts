import { useCallback, useEffect, useMemo, useRef, useState } from 'react';

/** Options of `useVirtualList`. */
export interface VirtualListOptions {
  /** Height assumed for a row until it is measured. Default 56 px. */
  estimateHeight?: number;
  /** Extra pixels rendered above and below the viewport. Default 600. */
  overscanPx?: number;
}

/** What `useVirtualList` returns. */
export interface VirtualList {
  /** Render rows `start` (inclusive) to `end` (exclusive). */
  start: number;
  end: number;
  /** Space above and below the rendered rows, in px: use as the list's padding. */
  before: number;
  after: number;
  /** Offset of each row's top; `offsets[n]` is the total height. */
  offsets: Float64Array;
  /** Ref for each rendered row element; it must carry `data-key`. */
  measure: (el: HTMLElement | null) => void;
  /** Call with the scroll element's position on scroll and after programmatic scrolls. */
  setViewport: (top: number, height: number, pinnedToEnd: boolean) => void;
  /** Whether the viewport is pinned to the end (stick to bottom). */
  pinnedToEnd: boolean;
  /** Index of each key. */
  indexOf: (key: string) => number | undefined;
}

/** First index whose offset is >= y (offsets ascending). */
function lowerBound(offsets: Float64Array, y: number): number {
  let lo = 0;
  let hi = offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid]! < y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Internal to `MessageList` (not exported). Kept hand-written after measuring
 * TanStack Virtual's chat mode against it (docs/ui.md: similar render times,
 * twice the worst append commit, +9.9 kB min+gzip on `socketkit/ui`).
 *
 * A small windowing engine with measured row heights: only the rows near the
 * viewport are rendered, the rest is padding. Heights come from a
 * `ResizeObserver` (estimates where there is none, as in SSR and jsdom).
 * While pinned to the end, the window is computed from the bottom so a chat
 * opens on its newest messages.
 *
 * @example
 * const v = useVirtualList(keys);
 * // <div style={{ paddingTop: v.before, paddingBottom: v.after }}>{keys.slice(v.start, v.end).map(…ref={v.measure})}</div>
 */
export function useVirtualList(keys: readonly string[], options: VirtualListOptions = {}): VirtualList {
  const { estimateHeight = 56, overscanPx = 600 } = options;
  const heights = useRef(new Map<string, number>());
  const [version, setVersion] = useState(0);
  const [viewport, setViewportState] = useState({ top: 0, height: 0, pinned: true });

  const offsets = useMemo(() => {
    const o = new Float64Array(keys.length + 1);
    for (let i = 0; i < keys.length; i++) o[i + 1] = o[i]! + (heights.current.get(keys[i]!) ?? estimateHeight);
    return o;
    // `version` changes when a measured height changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [keys, version, estimateHeight]);

  const index = useMemo(() => new Map(keys.map((k, i) => [k, i])), [keys]);
  const total = offsets[keys.length]!;
  const top = viewport.pinned ? Math.max(0, total - viewport.height) : viewport.top;
  const start = Math.max(0, lowerBound(offsets, top - overscanPx) - 1);
  const end = Math.min(keys.length, lowerBound(offsets, top + viewport.height + overscanPx) + 1);

  const observer = useRef<ResizeObserver | null>(null);
  const observed = useRef(new Set<HTMLElement>());
  useEffect(() => {
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver((entries) => {
      let changed = false;
      for (const entry of entries) {
        const el = entry.target as HTMLElement;
        const key = el.dataset.key;
        const h = entry.borderBoxSize?.[0]?.blockSize ?? el.offsetHeight;
        if (key && h > 0 && heights.current.get(key) !== h) {
          heights.current.set(key, h);
          changed = true;
        }
      }
      if (changed) setVersion((v) => v + 1);
    });
    observer.current = ro;
    observed.current.forEach((el) => ro.observe(el));
    return () => {
      ro.disconnect();
      observer.current = null;
    };
  }, []);

  const measure = useCallback((el: HTMLElement | null) => {
    if (!el) return;
    observed.current.add(el);
    observer.current?.observe(el);
  }, []);

  // Forget elements React removed, so the observer does not keep them alive.
  useEffect(() => {
    for (const el of observed.current) {
      if (!el.isConnected) {
        observer.current?.unobserve(el);
        observed.current.delete(el);
      }
    }
  });

  const setViewport = useCallback((t: number, h: number, pinned: boolean) => {
    setViewportState((v) => (v.top === t && v.height === h && v.pinned === pinned ? v : { top: t, height: h, pinned }));
  }, []);

  return {
    start,
    end,
    before: offsets[start]!,
    after: total - offsets[end]!,
    offsets,
    measure,
    setViewport,
    pinnedToEnd: viewport.pinned,
    indexOf: (key) => index.get(key),
  };
}
