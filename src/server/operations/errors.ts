import type { z } from 'zod';
import type { ErrorCode, ProtocolError } from '../../protocol/index.js';

/** The error codes a request can fail with: the protocol's, plus `UNAUTHORIZED` (HTTP only: no or wrong Bearer credentials). */
export type RequestErrorCode = ErrorCode | 'UNAUTHORIZED';

/** HTTP status of each code, for the HTTP APIs (REST, server API). */
export const HTTP_STATUS: Readonly<Record<RequestErrorCode, number>> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
};

/** Options of `RequestError`. */
export interface RequestErrorOptions {
  /** Set for `RATE_LIMITED`. */
  retryAfterMs?: number | undefined;
  /** An HTTP status other than the code's (e.g. 405 for a known path with another method). */
  status?: number | undefined;
}

/**
 * The one failure type of every operation, whatever the transport: a socket
 * request answers it as `{ ok: false, error: { code, message } }`, an HTTP
 * route as `status` with `{ error: { code, message } }`.
 */
export class RequestError extends Error {
  readonly retryAfterMs: number | undefined;
  /** HTTP status: `HTTP_STATUS[code]` unless given. */
  readonly status: number;

  constructor(
    readonly code: RequestErrorCode,
    message: string,
    options: RequestErrorOptions = {},
  ) {
    super(message);
    this.name = 'RequestError';
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status ?? HTTP_STATUS[code];
  }

  /** The body of an ack error. `UNAUTHORIZED` never reaches a socket (the handshake refuses it first); it reads as `FORBIDDEN` there. */
  toJSON(): ProtocolError {
    const error: ProtocolError = { code: this.code === 'UNAUTHORIZED' ? 'FORBIDDEN' : this.code, message: this.message };
    if (this.retryAfterMs !== undefined) error.retryAfterMs = this.retryAfterMs;
    return error;
  }
}

/** Any thrown value as a protocol error; unknown failures become `INTERNAL` without leaking details. */
export function toProtocolError(error: unknown): ProtocolError {
  if (error instanceof RequestError) return error.toJSON();
  return { code: 'INTERNAL', message: 'Internal server error' };
}

/**
 * The `RequestError` of failed validation. A malformed value (wrong type,
 * missing, empty, a number out of range) outranks a size problem: the first
 * such issue makes it `BAD_REQUEST`; when every issue is a string or list
 * over its limit (docs/protocol.md, "Limits"), it is `PAYLOAD_TOO_LARGE`.
 * Either way the message is that of the issue that decided the code.
 */
export function validationError(error: z.ZodError, prefix: string): RequestError {
  const isOverLimit = (issue: z.core.$ZodIssue) =>
    issue.code === 'too_big' && (issue.origin === 'string' || issue.origin === 'array');
  const malformed = error.issues.find((issue) => !isOverLimit(issue));
  const decisive = malformed ?? error.issues[0];
  const where = decisive && decisive.path.length > 0 ? `${decisive.path.join('.')}: ` : '';
  return new RequestError(malformed || !decisive ? 'BAD_REQUEST' : 'PAYLOAD_TOO_LARGE', `${prefix}: ${where}${decisive?.message ?? 'wrong shape'}`);
}

/**
 * Parses an operation's input at the edge (socket handler, HTTP route,
 * `SocketkitServer` method) with the operation's schema, or throws the
 * `RequestError` of `validationError`. Behind the edge the input is trusted.
 * `prefix` starts the message: `Invalid payload` (socket) or `Invalid body` (HTTP).
 */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, prefix = 'Invalid payload'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw validationError(result.error, prefix);
}
