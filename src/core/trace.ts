import type { ConnectionEvent, ConnectionState } from './connection-machine.js';
import { noop } from './context.js';
import { createEventBus, type ListenerErrorReporter } from './event-bus.js';
import type { Logger, TraceRecord, TraceSource } from './types.js';

/**
 * The client's trace: what the connection machine and the request table do,
 * as records (`TraceRecord`) for `client.trace.subscribe` and the `debug`
 * option's log lines.
 *
 * The records are made in development builds only: every call site is
 * guarded by `process.env.NODE_ENV !== 'production'`, as the development
 * help is, so a production bundle carries neither the records nor this
 * file's formatting (Socket.IO's browser build leaves its `debug` calls out
 * the same way). Internal; `client.trace` is its `subscribe`.
 */
export interface Tracer extends TraceSource {
  emit(record: TraceRecord): void;
  /** `destroy()`: every subscriber goes. */
  clear(): void;
}

/** The trace of a production build: nothing is recorded, so nobody needs to be kept. */
export const SILENT_TRACE: Tracer = { subscribe: () => noop, emit: noop, clear: noop };

export function createTracer(report: ListenerErrorReporter): Tracer {
  const bus = createEventBus<{ trace: TraceRecord }>(report);
  return { subscribe: (listener) => bus.on('trace', listener), emit: (record) => bus.emit('trace', record), clear: bus.clear };
}

/** Why the machine moved: the close reason, the refusal's code, the token error; none for calls like `connect()`. */
export function reasonOf(event: ConnectionEvent): string | undefined {
  switch (event.type) {
    case 'socketClosed':
      return event.reason;
    case 'connectError':
      return event.code ?? event.message;
    case 'tokenError':
      return `getToken: ${event.message}`;
    default:
      return undefined;
  }
}

/**
 * The reconnect decision a transition out of a failure makes, or null when
 * `next` is no decision (a call such as `disconnect()`, or a success).
 */
export function reconnectDecision(
  event: ConnectionEvent,
  next: ConnectionState,
  attempt: number,
  delayMs: number | null,
): TraceRecord | null {
  const failure = event.type === 'connectError' || event.type === 'socketClosed' || event.type === 'tokenError' || event.type === 'authExpired';
  if (!failure) return null;
  const reason = reasonOf(event) ?? event.type;
  if (next === 'backoff') return { type: 'reconnect', decision: 'retry', attempt, delayMs, why: `${reason}: attempt ${attempt} in ${delayMs} ms` };
  if (next === 'connecting') return { type: 'reconnect', decision: 'retry', attempt, delayMs: 0, why: `${reason}: fetching a fresh token now` };
  if (next === 'failed') {
    const why = event.type === 'connectError' && event.code !== null && event.code !== 'TOKEN_EXPIRED' ? `refused (${event.code}): retrying cannot help` : `${reason}: no attempt left`;
    return { type: 'reconnect', decision: 'give up', attempt, delayMs: null, why };
  }
  return null;
}

/** One trace record as one log line: the state, the event and the reason; the request and its round trip. */
export function formatTrace(record: TraceRecord): string {
  switch (record.type) {
    case 'transition':
      return `state ${record.from} → ${record.state} (event ${record.event}${record.reason === undefined ? '' : `, reason ${record.reason}`})`;
    case 'request':
      return `request ${record.event} #${record.id}`;
    case 'ack':
      return `ack ${record.event} #${record.id} in ${record.ms} ms`;
    case 'refusal':
      return `refused ${record.event} #${record.id}: ${record.code}${record.ms === null ? '' : ` after ${record.ms} ms`}`;
    case 'reconnect':
      return `reconnect: ${record.decision} (${record.why})`;
  }
}

/** The `debug` option: every record as a line on the logger's `debug` (else `console.debug`). */
export function logTrace(tracer: TraceSource, log: Logger): () => void {
  const write = log.debug ? log.debug.bind(log) : console.debug;
  return tracer.subscribe((record) => write(`[socketkit] ${formatTrace(record)}`));
}
