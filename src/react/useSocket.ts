import { useMemo } from './react.js';
import type { ConnectionSnapshot } from 'socketkit';
import { useRealtimeClient } from './useRealtimeClient.js';
import { bound, useStore } from './useStore.js';

/** What `useSocket()` returns: the connection snapshot plus controls. */
export interface SocketState extends ConnectionSnapshot {
  isConnected: boolean;
  connect(): void;
  disconnect(): void;
  /** Reconnect now, also after `failed`. */
  reconnect(): void;
}

/**
 * The connection of the nearest provider: `status` (`idle`, `connecting`,
 * `connected`, `reconnecting`, `disconnected`, `failed`), the user, the retry
 * schedule and the last error. Re-renders only when the connection changes;
 * `connect`, `disconnect` and `reconnect` keep their identity.
 *
 * @example
 * function Status() {
 *   const { status, attempt, reconnect } = useSocket();
 *   if (status === 'failed') return <button onClick={reconnect}>Retry</button>;
 *   return <span>{status}{attempt > 0 && ` (attempt ${attempt})`}</span>;
 * }
 */
export function useSocket(): SocketState {
  const client = useRealtimeClient();
  const snapshot = useStore(client.connection);
  const controls = useMemo(() => bound(client, ['connect', 'disconnect', 'reconnect']), [client]);
  return useMemo(() => ({ ...snapshot, isConnected: snapshot.status === 'connected', ...controls }), [snapshot, controls]);
}
