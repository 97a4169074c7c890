/**
 * HTTP plumbing shared by the HTTP APIs (the mock server's REST API and
 * development endpoints, the production server's health probes and server
 * API): JSON in and out, errors as `{ error: { code, message } }`, and one
 * route table per API.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { HttpErrorBody } from '../../protocol/index.js';
import { RequestError, parseInput } from '../operations/errors.js';
import type { SocketkitLogger } from '../logger.js';

/** Largest JSON body the HTTP APIs read; larger answers 413. */
export const MAX_BODY_BYTES = 64 * 1024;
/** Past this the connection is cut instead of drained: nobody legitimate sends it. */
const HARD_BODY_LIMIT = 8 * 1024 * 1024;

/** Writes a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Writes `{ error: { code, message } }` with the error's HTTP status. */
export function sendError(res: ServerResponse, error: RequestError): void {
  const body: HttpErrorBody = { error: { code: error.code, message: error.message } };
  sendJson(res, error.status, body);
}

/**
 * Reads a JSON body of at most `MAX_BODY_BYTES`; `undefined` when empty.
 * Always settles: rejects with `RequestError` `PAYLOAD_TOO_LARGE` (413; up to
 * 8 MB the body is drained so the client reads the answer instead of a reset,
 * past that reading stops and `dispatch` closes the connection after
 * answering) or `BAD_REQUEST` (not JSON, or the client closed the connection
 * or the stream failed before the body ended).
 */
export function readJsonBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    let size = 0;
    let tooLarge = declared > MAX_BODY_BYTES;
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > HARD_BODY_LIMIT) {
        // Stop reading; dispatch answers 413 and then destroys the request (see cutAfterAnswer).
        req.off('data', onData);
        req.pause();
        reject(new RequestError('PAYLOAD_TOO_LARGE', `Body over ${MAX_BODY_BYTES} bytes`));
        return;
      }
      if (size > MAX_BODY_BYTES) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    };
    req.on('data', onData);
    // A client that goes away mid-body: 'error' (ECONNRESET "aborted") and/or 'close' without 'end'.
    // Rejecting again after the promise settled is a no-op.
    const aborted = () => reject(new RequestError('BAD_REQUEST', 'The client closed the connection before the body ended'));
    req.on('error', aborted);
    req.on('close', () => {
      if (!req.complete) aborted();
    });
    req.on('end', () => {
      if (tooLarge) {
        reject(new RequestError('PAYLOAD_TOO_LARGE', `Body over ${MAX_BODY_BYTES} bytes`));
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
        reject(new RequestError('BAD_REQUEST', 'Body is not valid JSON'));
      }
    });
  });
}

/** A non-negative integer query parameter ≥ `min`, or undefined when absent; `BAD_REQUEST` otherwise. */
export function intParam(params: URLSearchParams, name: string, min: number): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  const value = Number(raw);
  if (!/^\d{1,15}$/.test(raw) || value < min) {
    throw new RequestError('BAD_REQUEST', `${name} must be an integer ≥ ${min}`);
  }
  return value;
}

/** Parses a request body with its operation's schema or throws its `RequestError` (`parseInput`). */
export function parseBody<T>(schema: z.ZodType<T>, value: unknown): T {
  return parseInput(schema, value, 'Invalid body');
}

/** What a route handler gets: the request, its URL, and the decoded `:params` of its path. */
export interface RouteRequest {
  req: IncomingMessage;
  url: URL;
  params: Record<string, string>;
}

/** A route's answer: status and JSON body. */
export interface RouteAnswer {
  status: number;
  body: unknown;
}

/** One row of a route table: `path` segments starting with `:` are parameters (`/server/users/:userId/emit`). */
export interface Route {
  method: 'GET' | 'POST';
  path: string;
  handle(request: RouteRequest): RouteAnswer | Promise<RouteAnswer>;
}

/** The outcome of looking a request up in a route table. */
type Match =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'wrong-method'; allowed: string[] }
  | { kind: 'none' };

function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const have = path.split('/');
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const segment = want[i] as string;
    const actual = have[i] as string;
    if (segment.startsWith(':')) {
      if (actual === '') return null;
      try {
        params[segment.slice(1)] = decodeURIComponent(actual);
      } catch {
        throw new RequestError('BAD_REQUEST', `Malformed path segment ${actual.slice(0, 64)}`);
      }
    } else if (segment !== actual) {
      return null;
    }
  }
  return params;
}

/** Finds the route of `method path` (trailing slashes ignored). */
export function matchRoute(routes: readonly Route[], method: string, path: string): Match {
  const allowed: string[] = [];
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (!params) continue;
    if (route.method === method) return { kind: 'found', route, params };
    allowed.push(route.method);
  }
  return allowed.length > 0 ? { kind: 'wrong-method', allowed } : { kind: 'none' };
}

/** Options of `dispatch`. */
export interface DispatchOptions {
  /**
   * Whether the caller answers `OPTIONS` itself before dispatching (the mock
   * server's CORS preflight), so a 405's `Allow` may name it. Default false:
   * `dispatch` never answers `OPTIONS` (it gets 405 like any other method).
   */
  answersOptions?: boolean;
}

/**
 * Answers a request from a route table: the route's answer, 405 (with
 * `Allow`: the path's methods, plus `OPTIONS` only with `answersOptions`)
 * for a known path with another method, `undefined` when no route has the
 * path (the caller answers 404 or tries another table). The 405's code is
 * `BAD_REQUEST`: the protocol has no code of its own for a wrong method.
 * A thrown `RequestError` becomes its status and body; anything else is
 * logged and answered 500 without details.
 */
export async function dispatch(
  routes: readonly Route[],
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  logger: SocketkitLogger,
  options: DispatchOptions = {},
): Promise<boolean> {
  const method = req.method ?? 'GET';
  const path = url.pathname.replace(/\/+$/, '') || '/';
  try {
    const match = matchRoute(routes, method, path);
    if (match.kind === 'none') return false;
    if (match.kind === 'wrong-method') {
      const allowed = match.allowed.join(', ');
      res.setHeader('allow', options.answersOptions === true ? `${allowed}, OPTIONS` : allowed);
      throw new RequestError('BAD_REQUEST', `${method} not allowed on ${path} (use ${allowed})`, { status: 405 });
    }
    const answer = await match.route.handle({ req, url, params: match.params });
    sendJson(res, answer.status, answer.body);
  } catch (error) {
    if (res.headersSent) return true;
    if (error instanceof RequestError) {
      if (error.code === 'PAYLOAD_TOO_LARGE') cutAfterAnswer(req, res);
      sendError(res, error);
      return true;
    }
    logger.error(`${method} ${path} failed`, error);
    sendError(res, new RequestError('INTERNAL', 'Internal server error'));
  }
  return true;
}

/**
 * When the request body was not read to its end (a body past the hard limit),
 * answers with `connection: close` and destroys the request once the answer
 * is written, so the rest is never read.
 */
function cutAfterAnswer(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete || req.destroyed) return;
  res.setHeader('connection', 'close');
  res.once('finish', () => req.destroy());
}

/** Parses the request URL, or answers 400 and returns undefined. */
export function requestUrl(req: IncomingMessage, res: ServerResponse): URL | undefined {
  try {
    return new URL(req.url ?? '/', 'http://localhost');
  } catch {
    sendError(res, new RequestError('BAD_REQUEST', 'Bad URL'));
    return undefined;
  }
}
