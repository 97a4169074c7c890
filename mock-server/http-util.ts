import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpErrorBody } from 'socketkit/protocol';

/** Largest JSON body the HTTP API reads; larger answers 413. */
export const MAX_BODY_BYTES = 64 * 1024;
/** Past this the connection is cut instead of drained: nobody legitimate sends it. */
const HARD_BODY_LIMIT = 8 * 1024 * 1024;

/** An HTTP failure with its status and JSON error body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: HttpErrorBody['error']['code'],
    message: string,
  ) {
    super(message);
  }
}

/** Writes a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Writes `{ error: { code, message } }`. */
export function sendError(res: ServerResponse, error: HttpError): void {
  const body: HttpErrorBody = { error: { code: error.code, message: error.message } };
  sendJson(res, error.status, body);
}

/**
 * Reads a JSON body of at most `MAX_BODY_BYTES`. A larger body is drained
 * (so the client reads the 413 instead of a reset) and refused.
 */
export function readJsonBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    let size = 0;
    let tooLarge = declared > MAX_BODY_BYTES;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > HARD_BODY_LIMIT) {
        req.destroy();
        return;
      }
      if (size > MAX_BODY_BYTES) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (tooLarge) {
        reject(new HttpError(413, 'PAYLOAD_TOO_LARGE', `Body over ${MAX_BODY_BYTES} bytes`));
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') {
        resolve(undefined);
        return;
      }
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new HttpError(400, 'BAD_REQUEST', 'Body is not valid JSON'));
      }
    });
  });
}

/** A non-negative integer query parameter, or undefined when absent. */
export function intParam(params: URLSearchParams, name: string, min: number): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^\d{1,15}$/.test(raw) || Number(raw) < min) {
    throw new HttpError(400, 'BAD_REQUEST', `${name} must be an integer ≥ ${min}`);
  }
  return Number(raw);
}
