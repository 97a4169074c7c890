import { useEffect, useInsertionEffect, useRef } from './react.js';
import type { ServerEventMap } from 'socketkit/protocol';
import { useRealtimeClient } from './useRealtimeClient.js';

/** Payload type of a server event: the protocol's, or `unknown` for custom events. */
export type EventPayload<E extends string> = E extends keyof ServerEventMap ? ServerEventMap[E] : unknown;

/**
 * Calls `handler` for every `event` from the server while mounted. It
 * subscribes once per event and client and always calls the latest
 * `handler`, so an inline function needs no `useCallback`.
 *
 * @example
 * useRealtimeEvent('notification:new', (n) => toast(n.title));
 */
export function useRealtimeEvent<E extends string>(event: E, handler: (payload: EventPayload<E>) => void): void {
  const client = useRealtimeClient();
  const latest = useRef(handler);
  // An insertion effect runs before any other effect and also exists in React 18, without SSR warnings.
  useInsertionEffect(() => {
    latest.current = handler;
  });
  useEffect(() => client.on(event, (payload: unknown) => latest.current(payload as EventPayload<E>)), [client, event]);
}
