import { usePresence } from 'socketkit/react';
import { useSocketkitUI } from './SocketkitUIProvider.js';
import { useNow } from './useNow.js';
import { formatRelative } from './format.js';

/**
 * A user's presence with its localized label: "Online", "Last seen 5 minutes
 * ago" or "Offline", and whether it is `stale` (the client is disconnected).
 * The relative time refreshes every minute.
 *
 * @example
 * const { online, label } = usePresenceLabel('bob');
 */
export function usePresenceLabel(userId: string): { online: boolean; label: string; stale: boolean } {
  const presence = usePresence(userId);
  const { strings, locale } = useSocketkitUI();
  const online = presence?.online ?? false;
  // The client is disconnected: the last value heard, not vouched for (the core marks it).
  const stale = presence?.stale === true;
  const lastSeen = online ? null : (presence?.lastSeen ?? null);
  const now = useNow(60_000, lastSeen !== null);
  if (online) return { online, stale, label: strings.online };
  if (lastSeen) return { online, stale, label: strings.lastSeen(formatRelative(lastSeen, Math.max(now, Date.parse(lastSeen)), locale)) };
  return { online, stale, label: strings.offline };
}
