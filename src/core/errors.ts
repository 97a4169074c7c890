import type { ProtocolError } from '../protocol/index.js';
import type { RealtimeErrorCode } from './types.js';

const RETRYABLE: readonly RealtimeErrorCode[] = ['TIMEOUT', 'DISCONNECTED', 'RATE_LIMITED', 'INTERNAL', 'CONNECT_FAILED'];

/**
 * The one error type of socketkit: a protocol error from a failed ack, a refused
 * handshake, or the client's own (`TIMEOUT`, `DISCONNECTED`, `OUTBOX_FULL`, …).
 *
 * @example
 * try { await client.request('conversation:join', 'general') }
 * catch (e) { if (e instanceof RealtimeError && e.code === 'FORBIDDEN') showNoAccess() }
 */
export class RealtimeError extends Error {
  // Declared, not initialised: no class-field helpers in the ES2020 build.
  declare readonly code: RealtimeErrorCode;
  declare readonly retryAfterMs?: number;

  constructor(code: RealtimeErrorCode, message: string = code, retryAfterMs?: number) {
    super(message);
    this.name = 'RealtimeError';
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }

  /** True when trying the same thing again later may succeed. */
  get retryable(): boolean {
    return RETRYABLE.includes(this.code);
  }
}

type Body = Partial<ProtocolError> | undefined;

/** Old servers (before protocol 1.2) answer an unknown request with this message. */
export const isUnknownEvent = (error: RealtimeError) => error.code === 'BAD_REQUEST' && error.message.startsWith('Unknown event');

/** Any thrown value or protocol error body as a `RealtimeError`. */
export const toRealtimeError = (e: unknown): RealtimeError =>
  e instanceof RealtimeError
    ? e
    : new RealtimeError((e as Body)?.code ?? 'INTERNAL', (e as Body)?.message ?? String(e), (e as Body)?.retryAfterMs);
