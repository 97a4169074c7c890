import { useEffect, useState } from 'react';
import { useSocket } from 'socketkit/react';
import { useNow } from './useNow.js';

/** Which problem the banner reports. */
export type ConnectionBannerKind = 'reconnecting' | 'offline' | 'failed' | 'unauthorized';

/** What `useConnectionBanner` returns. */
export interface ConnectionBannerState {
  /** True once a problem has lasted longer than the threshold (at once for failures). */
  visible: boolean;
  /** The current problem, or null while connected or connecting for the first time. */
  kind: ConnectionBannerKind | null;
  /** Whole seconds until the next reconnection attempt, or null. */
  secondsUntilRetry: number | null;
  /** Reconnect now (also after `failed`). */
  retry: () => void;
}

const AUTH_CODES = new Set(['TOKEN_MISSING', 'TOKEN_INVALID', 'TOKEN_EXPIRED']);

/**
 * Headless state of `<ConnectionBanner>`: what to show and when. Short blips
 * (under `thresholdMs`) never become visible, so the banner does not flash.
 *
 * @example
 * const { visible, kind, secondsUntilRetry, retry } = useConnectionBanner({ thresholdMs: 1000 });
 */
export function useConnectionBanner({ thresholdMs = 1000 }: { thresholdMs?: number } = {}): ConnectionBannerState {
  const { status, error, nextRetryAt, reconnect } = useSocket();
  let kind: ConnectionBannerKind | null = null;
  if (status === 'failed') kind = error && AUTH_CODES.has(error.code) ? 'unauthorized' : 'failed';
  else if (status === 'disconnected') kind = 'offline';
  else if (status === 'reconnecting') kind = 'reconnecting'; // the core already says so for a failed first attempt

  const problem = kind !== null;
  const [pastThreshold, setPastThreshold] = useState(false);
  useEffect(() => {
    if (!problem) return setPastThreshold(false);
    const timer = setTimeout(() => setPastThreshold(true), thresholdMs);
    return () => clearTimeout(timer);
  }, [problem, thresholdMs]);

  // Failures are final until the user acts: show them without waiting.
  const visible = kind === 'failed' || kind === 'unauthorized' || (problem && pastThreshold);
  const now = useNow(1000, visible && nextRetryAt !== null);
  const seconds = nextRetryAt !== null ? Math.ceil((nextRetryAt - now) / 1000) : 0;
  return { visible, kind, secondsUntilRetry: seconds > 0 ? seconds : null, retry: reconnect };
}
