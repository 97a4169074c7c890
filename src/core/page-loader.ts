import { largestLimit, type Context } from './context.js';
import { isUnknownEvent, toRealtimeError } from './errors.js';
import type { Store } from './store.js';
import type { InboxPageState } from './types.js';

/** The paging part of an inbox snapshot before the first answer. */
export const INITIAL_PAGE_STATE: InboxPageState = { hasMore: false, loading: true, loadingMore: false, error: null, unsupported: false, stale: false };

/** A page of a cursor-paged inbox request (`conversation:list`, `notification:list`). */
export interface Page {
  hasMore: boolean;
  nextCursor?: string;
}

/** What a paged store tells its loader. */
export interface PageSource<P extends Page> {
  /** Ask the server for the page after `cursor` (none: the first page). */
  fetch(cursor: string | undefined, limit: number | undefined): Promise<P>;
  /** A page arrived: the first page replaces what the store holds, a later one appends. */
  received(page: P, first: boolean): void;
}

/**
 * Loads a cursor-paged list while watched: the first watcher fetches the
 * first page, every (re)connect fetches it again (catch-up), `loadMore`
 * appends the next one. Only the answer of the latest first-page request
 * counts; a refresh makes a `loadMore` in flight stale. Internal.
 */
export interface PageLoader {
  watch(options: { limit?: number }): () => void;
  /** Fetch the first page again now (no-op while not connected). */
  refresh(): Promise<void>;
  /** Append the next page; false when there is none (or one is loading). */
  loadMore(): Promise<boolean>;
  /** The first page has arrived: events may patch the list. */
  readonly loaded: boolean;
  linkUp(): void;
  linkDown(): void;
  destroy(): void;
}

/** Everything a loader knows. Internal to this file. */
interface Runtime<P extends Page> {
  ctx: Context;
  store: Store<InboxPageState>;
  source: PageSource<P>;
  watchers: Set<{ limit?: number }>;
  /** A newer first-page request makes older answers stale. */
  generation: number;
  nextCursor: string | undefined;
  loaded: boolean;
}

const pageSize = <P extends Page>(rt: Runtime<P>) => largestLimit(rt.watchers);


function failed<P extends Page>(rt: Runtime<P>, error: unknown): void {
  const realtimeError = toRealtimeError(error);
  rt.store.set({ loading: false, loadingMore: false, error: realtimeError, unsupported: isUnknownEvent(realtimeError) });
}

function accept<P extends Page>(rt: Runtime<P>, page: P, first: boolean): void {
  rt.nextCursor = page.hasMore ? page.nextCursor : undefined;
  rt.loaded = true;
  rt.source.received(page, first);
  rt.store.set({ hasMore: rt.nextCursor !== undefined, loading: false, loadingMore: false, error: null, unsupported: false, stale: false });
}

async function refresh<P extends Page>(rt: Runtime<P>): Promise<void> {
  if (!rt.ctx.connected()) return;
  const mine = ++rt.generation;
  try {
    const page = await rt.source.fetch(undefined, pageSize(rt));
    if (mine === rt.generation) accept(rt, page, true);
  } catch (error) {
    if (mine === rt.generation) failed(rt, error);
  }
}

async function loadMore<P extends Page>(rt: Runtime<P>): Promise<boolean> {
  const cursor = rt.nextCursor;
  if (cursor === undefined || rt.store.getSnapshot().loadingMore || !rt.ctx.connected()) return false;
  const mine = rt.generation;
  rt.store.set({ loadingMore: true });
  try {
    const page = await rt.source.fetch(cursor, pageSize(rt));
    if (mine !== rt.generation) return false;
    accept(rt, page, false);
    return true;
  } catch (error) {
    if (mine === rt.generation) failed(rt, error);
    return false;
  }
}

function watch<P extends Page>(rt: Runtime<P>, options: { limit?: number }): () => void {
  const watcher = { ...options };
  const before = pageSize(rt);
  rt.watchers.add(watcher);
  // The first watcher fetches; a later one only when it asks for a bigger page.
  if (rt.watchers.size === 1 || pageSize(rt) !== before) void refresh(rt);
  return () => void rt.watchers.delete(watcher);
}

export function createPageLoader<P extends Page>(ctx: Context, store: Store<InboxPageState>, source: PageSource<P>): PageLoader {
  const rt: Runtime<P> = { ctx, store, source, watchers: new Set(), generation: 0, nextCursor: undefined, loaded: false };
  return {
    watch: (options) => watch(rt, options),
    refresh: () => refresh(rt),
    loadMore: () => loadMore(rt),
    get loaded() {
      return rt.loaded;
    },
    linkUp() {
      if (rt.watchers.size > 0) void refresh(rt);
    },
    linkDown() {
      rt.generation++;
      if (rt.loaded) rt.store.set({ stale: true, loadingMore: false });
    },
    destroy() {
      rt.watchers.clear();
      rt.generation++;
    },
  };
}
