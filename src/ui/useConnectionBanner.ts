import { useSocket } from 'socketkit/react';
import { useNow } from './useNow.js';

/** Which problem the banner reports. */
export type ConnectionBannerKind = 'reconnecting' | 'offline' | 'failed' | 'unauthorized';

/** What `useConnectionBanner` returns. */
export interface ConnectionBannerState {
  /** True once a problem has lasted the client's `lostAfterMs` (at once for failures). */
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
 * Headless state of `<ConnectionBanner>`: what to show and when. The core
 * decides both: its status says connecting vs reconnecting, and its `lost`
 * flag says when a problem has lasted long enough to show (the client's
 * `lostAfterMs`), so short blips never flash; failures show at once.
 *
 * @example
 * const { visible, kind, secondsUntilRetry, retry } = useConnectionBanner();
 */
export function useConnectionBanner(): ConnectionBannerState {
  const { status, error, nextRetryAt, reconnect, lost } = useSocket();
  let kind: ConnectionBannerKind | null = null;
  if (status === 'failed') kind = error && AUTH_CODES.has(error.code) ? 'unauthorized' : 'failed';
  else if (status === 'disconnected') kind = 'offline';
  else if (status === 'reconnecting') kind = 'reconnecting'; // the core already says so for a failed first attempt

  // `lost` is true at once on failed, after lostAfterMs for the others.
  const visible = kind !== null && lost;
  const now = useNow(1000, visible && nextRetryAt !== null);
  const seconds = nextRetryAt !== null ? Math.ceil((nextRetryAt - now) / 1000) : 0;
  return { visible, kind, secondsUntilRetry: seconds > 0 ? seconds : null, retry: reconnect };
}
