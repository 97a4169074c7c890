import { SOCKET_IO_RESERVED_EVENTS } from '../protocol/index.js';
import { RealtimeError } from './errors.js';

/** Most fire-and-forget events kept while offline; past it the oldest is dropped. */
export const EMIT_QUEUE_MAX = 100;

/** Event names Socket.IO keeps for itself (`SOCKET_IO_RESERVED_EVENTS` of the protocol): emitting one throws inside the socket. */
export const RESERVED_EVENT_NAMES: ReadonlySet<string> = new Set(SOCKET_IO_RESERVED_EVENTS);

/**
 * Throws `RealtimeError('BAD_REQUEST')` for a name that cannot be sent: not a
 * non-empty string, or reserved by socket.io. Called at the call site, whether
 * connected or not, so a bad name is never queued. The message's second half
 * is development help, left out of production builds (docs/client.md, "Events,
 * requests and errors"; the bundler defines `process.env.NODE_ENV`, as for React).
 */
export function assertSendableEventName(event: unknown): asserts event is string {
  if (typeof event !== 'string' || event === '') {
    const got = process.env.NODE_ENV !== 'production' ? `, got ${JSON.stringify(event)}` : '';
    throw new RealtimeError('BAD_REQUEST', `Event name must be a non-empty string${got}`);
  }
  if (RESERVED_EVENT_NAMES.has(event)) {
    const why = process.env.NODE_ENV !== 'production' ? ' and cannot be emitted' : '';
    throw new RealtimeError('BAD_REQUEST', `"${event}" is reserved by Socket.IO${why}`);
  }
}

/** Fire-and-forget sends made while offline, replayed in order on the next connect. Internal. */
export interface EmitQueue {
  /** Queue `send`; past `EMIT_QUEUE_MAX` the oldest queued send is dropped. */
  push(send: () => void): void;
  /** Remove and return every queued send, oldest first. */
  takeAll(): (() => void)[];
}

export function createEmitQueue(max = EMIT_QUEUE_MAX): EmitQueue {
  let queued: (() => void)[] = [];
  return {
    push(send) {
      queued.push(send);
      if (queued.length > max) queued.shift();
    },
    takeAll() {
      const all = queued;
      queued = [];
      return all;
    },
  };
}
