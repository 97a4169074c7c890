import { createContext, useContext } from './react.js';
import type { RealtimeClient } from 'socketkit';

/** The client of the nearest `<RealtimeProvider>`; null outside any. */
export const RealtimeContext = createContext<RealtimeClient | null>(null);

/**
 * The realtime client of the nearest `<RealtimeProvider>`. Throws outside a
 * provider, so a missing provider fails loudly instead of rendering offline.
 *
 * @example
 * function SendPing() {
 *   const client = useRealtimeClient();
 *   return <button onClick={() => client.emit('ping')}>Ping</button>;
 * }
 */
export function useRealtimeClient(): RealtimeClient {
  const client = useContext(RealtimeContext);
  if (!client) throw new Error('socketkit: no <RealtimeProvider> found');
  return client;
}
