import { useEffect } from 'react';
import { hashKey, useQueryClient, type QueryClient, type QueryKey } from '@tanstack/react-query';
import { useRealtimeClient, useRealtimeEvent, type EventPayload } from 'socketkit/react';

/** Options of `useRealtimeQueryBridge`. */
export interface RealtimeQueryBridgeOptions<E extends string, TData> {
  /** Server event to follow, e.g. `'message:new'`. */
  event: E;
  /**
   * Queries to keep live: a key (matched as a prefix, like `invalidateQueries`)
   * or a function of the payload; return null to ignore that payload.
   */
  queryKey: QueryKey | ((payload: EventPayload<E>) => QueryKey | null | undefined);
  /**
   * Patch the cached data of every matching query (`setQueriesData`); return
   * `data` itself to change nothing. Queries without data are left alone.
   * Without `update`, matching queries are invalidated (refetched if used).
   */
  update?: ((data: TData, payload: EventPayload<E>) => TData) | undefined;
  /** Only payloads this accepts are applied. */
  filter?: ((payload: EventPayload<E>) => boolean) | undefined;
  /** Default true. */
  enabled?: boolean | undefined;
  /**
   * Invalidate a static `queryKey` after a reconnect, because events sent
   * during the outage were missed. Default true.
   */
  invalidateOnReconnect?: boolean | undefined;
  /** Defaults to the nearest `QueryClientProvider`'s. */
  queryClient?: QueryClient | undefined;
}

/**
 * Keeps TanStack Query data live from a server event: patch the cache with
 * `update`, or invalidate. The latest options are always used, so inline
 * functions need no `useCallback`.
 *
 * @example
 * // Patch: append every new message to the cached list.
 * useRealtimeQueryBridge({
 *   event: 'message:new',
 *   queryKey: (m) => ['messages', m.conversationId],
 *   update: (messages: Message[], m) => [...messages, m],
 * });
 * // Invalidate: refetch the inbox on any notification.
 * useRealtimeQueryBridge({ event: 'notification:new', queryKey: ['inbox'] });
 */
export function useRealtimeQueryBridge<E extends string, TData = unknown>(options: RealtimeQueryBridgeOptions<E, TData>): void {
  const queryClient = useQueryClient(options.queryClient);
  useRealtimeEvent(options.event, (payload) => {
    const { queryKey, update, filter, enabled = true } = options;
    if (!enabled || (filter && !filter(payload))) return;
    const key = typeof queryKey === 'function' ? queryKey(payload) : queryKey;
    if (!key) return;
    if (update) queryClient.setQueriesData<TData>({ queryKey: key }, (data) => (data === undefined ? data : update(data, payload)));
    else void queryClient.invalidateQueries({ queryKey: key });
  });
  const { queryKey, invalidateOnReconnect = true, enabled = true } = options;
  useInvalidateOnReconnect(typeof queryKey === 'function' || !invalidateOnReconnect || !enabled ? null : queryKey, queryClient);
}

/**
 * Invalidates `queryKey` each time the realtime connection comes back after
 * being lost: data fed by socket events missed whatever was sent meanwhile.
 * Pass null to turn it off.
 *
 * @example
 * useInvalidateOnReconnect(['conversations']);
 */
export function useInvalidateOnReconnect(queryKey: QueryKey | null, queryClient?: QueryClient): void {
  const client = useRealtimeClient();
  const cache = useQueryClient(queryClient);
  const hash = queryKey && hashKey(queryKey);
  useEffect(() => {
    if (!hash) return;
    const key = JSON.parse(hash) as QueryKey;
    return client.onLifecycle('reconnected', () => void cache.invalidateQueries({ queryKey: key }));
  }, [client, cache, hash]);
}
