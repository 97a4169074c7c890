import { handled } from './context.js';
import { RealtimeError } from './errors.js';
import type { ClientMessage, SendResult, SendStatus } from './types.js';

/** `promise` with what `send()`/`retry()` knew when called (see `SendResult`). */
export function sendResult(promise: Promise<ClientMessage>, status: Exclude<SendStatus, 'refused'>, clientMessageId: string): SendResult {
  return Object.assign(handled(promise), { status, clientMessageId, error: null });
}

/** Refused before it became a pending message: the promise rejects with `error`, the fields say so at once. */
export function refusedSend(error: RealtimeError, clientMessageId: string | null = null): SendResult {
  return Object.assign(handled(Promise.reject(error)), { status: 'refused' as const, clientMessageId, error });
}
