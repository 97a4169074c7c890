import type { Ack } from '../protocol/index.js';
import { RealtimeError, toRealtimeError } from './errors.js';
import type { Tracer } from './trace.js';
import type { RequestOptions, SocketLike } from './types.js';

/** Default `timeoutMs` of a request (ms). */
export const REQUEST_TIMEOUT_MS = 10_000;

interface PendingRequest {
  /** `queueWhileOffline`: survives `failed`/`disconnected`; its timeout runs only once sent. */
  queued: boolean;
  sent: boolean;
  startTimeout(): void;
  send(): void;
  settle(error: unknown, value?: unknown): void;
}

/** What the request table asks of the client. */
export interface RequestTableDeps {
  socket: SocketLike;
  defaultTimeoutMs: number;
  /** The link is up now: send at once. */
  isConnected(): boolean;
  /** No connection is coming (idle, failed, disconnected): refuse requests that would wait. */
  isStopped(): boolean;
  /** `destroy()` was called: refuse every request, `queueWhileOffline` or not. */
  isDestroyed(): boolean;
  /** The error a refused or abandoned request gets: `DISCONNECTED`, or `DESTROYED` after `destroy()`. */
  unavailable(): RealtimeError;
  /** Hears each request, ack and refusal (development builds). */
  trace: Tracer;
}

/** The last request's number in the trace (development builds). */
let lastRequestId = 0;

/** A refusal's code as the trace shows it: the `RealtimeError`'s, else the thrown value (an abort reason). */
const codeOf = (error: unknown): string => (error instanceof RealtimeError ? error.code : String(error));

/** Round trip of a request sent at `sentAt` (`performance.now()`), whole ms; null when it never went out. */
const elapsedMs = (sentAt: number | undefined): number | null => (sentAt === undefined ? null : Math.round(performance.now() - sentAt));

/**
 * The requests waiting for their ack: sends them (at once or after the next
 * connect), times them out, aborts them, and fails them when the link goes.
 * Internal; `client.request` is its `request`.
 */
export interface RequestTable {
  /**
   * Send `event` with `payload` and resolve with the ack minus `ok`. Rejects
   * with a `RealtimeError`: the ack's protocol code; `TIMEOUT` after
   * `timeoutMs`; `DISCONNECTED` when no connection is coming or the link
   * dropped while it was in flight; `DESTROYED` after `destroy()`; or the
   * signal's reason when aborted.
   */
  request<T = unknown>(event: string, payload: unknown, options?: RequestOptions): Promise<T>;
  /** Connected: send every request that waited for it. */
  sendWaiting(): void;
  /** The link dropped: in-flight requests fail (only the caller knows whether to retry them). */
  failInFlight(): void;
  /** No connection is coming: waiting requests fail, except `queueWhileOffline` ones. */
  failWaiting(): void;
  /** `destroy()`: everything fails. */
  failAll(): void;
}

type Pending = Set<PendingRequest>;

function refusal(deps: RequestTableDeps, options: RequestOptions): unknown {
  if (deps.isDestroyed() || (deps.isStopped() && !options.queueWhileOffline)) return deps.unavailable();
  if (options.signal?.aborted) return options.signal.reason;
  return undefined;
}

/** The ack's `{ ok: false, error }` becomes a `RealtimeError`; otherwise the ack minus `ok` is the result. */
function settleFromAck(entry: PendingRequest, ack: Ack): void {
  const { ok, error, ...result } = ack as Ack & { error?: unknown };
  if (ok === false) entry.settle(toRealtimeError(error));
  else entry.settle(undefined, result);
}

/** Request `id` goes out: traced with its payload, and its start (`performance.now()`) returned for the round trip (development builds). */
function traceSent(deps: RequestTableDeps, id: number, event: string, payload: unknown): number {
  deps.trace.emit({ type: 'request', id, event, payload });
  return performance.now();
}

/** Request `id` settled: its ack with the round trip, or its refusal with the code (development builds: the call is guarded). */
function traceSettled(deps: RequestTableDeps, settled: { id: number; event: string; sentAt: number | undefined; error: unknown; value: unknown }): void {
  const { id, event, error } = settled;
  const ms = elapsedMs(settled.sentAt);
  deps.trace.emit(error === undefined ? { type: 'ack', id, event, ms: ms ?? 0, result: settled.value } : { type: 'refusal', id, event, code: codeOf(error), ms });
}

/** A pending request: settled once, by its ack, its timeout, its signal or a failure of the link. */
function createEntry(
  deps: RequestTableDeps,
  pending: Pending,
  request: { event: string; payload: unknown; options: RequestOptions },
  resolve: (value: unknown) => void,
  reject: (error: unknown) => void,
): PendingRequest {
  const { event, payload, options } = request;
  const id = process.env.NODE_ENV !== 'production' ? ++lastRequestId : 0;
  let sentAt: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onAbort = () => entry.settle(options.signal?.reason);
  const entry: PendingRequest = {
    queued: options.queueWhileOffline === true,
    sent: false,
    startTimeout() {
      timer = setTimeout(() => entry.settle(new RealtimeError('TIMEOUT', event)), options.timeoutMs ?? deps.defaultTimeoutMs);
    },
    settle(error, value) {
      if (!pending.delete(entry)) return;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (process.env.NODE_ENV !== 'production') traceSettled(deps, { id, event, sentAt, error, value });
      if (error === undefined) resolve(value);
      else reject(error);
    },
    send() {
      entry.sent = true;
      if (process.env.NODE_ENV !== 'production') sentAt = traceSent(deps, id, event, payload);
      if (entry.queued) entry.startTimeout();
      try {
        deps.socket.emit(event, payload, (ack: Ack) => settleFromAck(entry, ack));
      } catch (error) {
        // The socket refused to send it: this request fails, the others are not affected.
        entry.settle(error);
      }
    },
  };
  options.signal?.addEventListener('abort', onAbort);
  return entry;
}

// The ack is wire data: its type is the protocol's promise (`RequestMap`), checked by the server.
function sendRequest<T>(deps: RequestTableDeps, pending: Pending, event: string, payload: unknown, options: RequestOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const refused = refusal(deps, options);
    if (refused !== undefined) {
      if (process.env.NODE_ENV !== 'production') deps.trace.emit({ type: 'refusal', id: ++lastRequestId, event, code: codeOf(refused), ms: null });
      reject(refused);
      return;
    }
    const entry = createEntry(deps, pending, { event, payload, options }, (value) => resolve(value as T), reject);
    pending.add(entry);
    // A queued request's timeout starts when it is sent.
    if (!entry.queued) entry.startTimeout();
    if (deps.isConnected()) entry.send();
  });
}

export function createRequestTable(deps: RequestTableDeps): RequestTable {
  const pending: Pending = new Set();
  const failWhere = (matches: (entry: PendingRequest) => boolean) => {
    for (const entry of [...pending]) if (matches(entry)) entry.settle(deps.unavailable());
  };
  return {
    request: (event, payload, options) => sendRequest(deps, pending, event, payload, options),
    sendWaiting() {
      for (const entry of [...pending]) if (!entry.sent) entry.send();
    },
    failInFlight: () => failWhere((entry) => entry.sent),
    failWaiting: () => failWhere((entry) => !entry.queued),
    failAll: () => failWhere(() => true),
  };
}
