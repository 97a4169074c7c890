import type { ErrorCode, ProtocolError } from '../protocol/index.js';

/** A request that fails with a protocol error code; answered as `{ ok: false, error }`. */
export class RequestError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RequestError';
  }

  toJSON(): ProtocolError {
    const error: ProtocolError = { code: this.code, message: this.message };
    if (this.retryAfterMs !== undefined) error.retryAfterMs = this.retryAfterMs;
    return error;
  }
}

/** Any thrown value as a protocol error; unknown failures become `INTERNAL` without leaking details. */
export function toProtocolError(error: unknown): ProtocolError {
  if (error instanceof RequestError) return error.toJSON();
  return { code: 'INTERNAL', message: 'Internal server error' };
}
