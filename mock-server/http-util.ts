import { RequestError, type RequestErrorCode } from 'socketkit/server/internal';

export { MAX_BODY_BYTES, intParam, readJsonBody, sendError, sendJson } from 'socketkit/server/internal';

/**
 * A `RequestError` with an explicit HTTP status, as the mock server's
 * listener writes them (`new HttpError(400, 'BAD_REQUEST', …)`). It is the
 * one error type of every socketkit transport; `sendError` answers it.
 */
export class HttpError extends RequestError {
  constructor(status: number, code: RequestErrorCode, message: string) {
    super(code, message, { status });
  }
}
