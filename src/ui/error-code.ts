import type { RealtimeErrorCode } from 'socketkit';

/** The `code` of a rejection from the client (a `RealtimeError`), or `INTERNAL` for anything else. */
export function errorCodeOf(error: unknown): RealtimeErrorCode {
  if (typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string') {
    return (error as { code: RealtimeErrorCode }).code;
  }
  return 'INTERNAL';
}
