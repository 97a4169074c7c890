/**
 * What the devtools panel shows, framework-free: a store over the client's
 * trace (`client.trace`) and the server events it receives (`client.on`).
 * Bounded: the last `limit` log entries and transitions are kept.
 */
import type { RealtimeClient, TraceRecord } from 'socketkit';
import type { ServerEvent } from 'socketkit/protocol';

/** Server events the log shows as `received`. */
const RECEIVED_EVENTS: readonly ServerEvent[] = [
  'connection:established',
  'connection:error',
  'auth:expired',
  'user:online',
  'user:offline',
  'presence:changes',
  'user:typing',
  'message:new',
  'notification:new',
];

/** One line of the event log. `at` is wall-clock ms (for people); `ms` a round trip on the monotonic clock. */
export interface DevtoolsLogEntry {
  seq: number;
  at: number;
  kind: 'sent' | 'acked' | 'refused' | 'received';
  event: string;
  /** The request's id (sent, acked, refused). */
  requestId?: number;
  /** Round trip in ms (acked, refused after it went out). */
  ms?: number | null;
  /** Refusal code. */
  code?: string;
  /** The conversation the entry is about, when its payload names one (an ack or refusal: its request's). */
  conversationId?: string;
  /** What was sent (sent), what the ack answered (acked), or what was received (received). */
  payload?: unknown;
}

/** One connection-machine transition, with how long the previous state lasted (ms, monotonic). */
export interface DevtoolsTransition {
  at: number;
  from: string;
  state: string;
  event: string;
  reason?: string;
  /** How long the machine was in `from`, ms. */
  afterMs: number;
}

export interface DevtoolsSnapshot {
  log: readonly DevtoolsLogEntry[];
  transitions: readonly DevtoolsTransition[];
  paused: boolean;
}

export interface DevtoolsRecorder {
  subscribe(listener: () => void): () => void;
  getSnapshot(): DevtoolsSnapshot;
  /** While paused, nothing new is recorded. */
  setPaused(paused: boolean): void;
  clear(): void;
  destroy(): void;
}

/** Default number of log entries and transitions kept. */
export const DEFAULT_DEVTOOLS_LIMIT = 500;

/** The conversation a payload names: `conversationId`, or the id itself (`conversation:join`, `conversation:leave`). */
const conversationOf = (event: string, payload: unknown): string | undefined => {
  if (typeof payload === 'string') return event.startsWith('conversation:') ? payload : undefined;
  const id = (payload as { conversationId?: unknown } | null)?.conversationId;
  return typeof id === 'string' ? id : undefined;
};

/** Requests in flight remembered for their conversation; past this many the oldest are forgotten. */
const MAX_IN_FLIGHT = 200;

const pushBounded = <T>(list: readonly T[], item: T, limit: number): T[] => {
  const next = list.length >= limit ? list.slice(list.length - limit + 1) : list.slice();
  next.push(item);
  return next;
};

/**
 * Starts recording `client`; `destroy()` stops, and a later `subscribe`
 * starts again (React's StrictMode runs an effect's cleanup and the effect
 * again on the same recorder: the panel keeps recording).
 */
export function createDevtoolsRecorder(client: RealtimeClient, { limit = DEFAULT_DEVTOOLS_LIMIT }: { limit?: number } = {}): DevtoolsRecorder {
  let snapshot: DevtoolsSnapshot = { log: [], transitions: [], paused: false };
  let seq = 0;
  let stateSince = performance.now();
  const listeners = new Set<() => void>();
  // Request id → its conversation, so the ack or refusal is found by the same filter.
  const inFlight = new Map<number, string | undefined>();
  const settledConversation = (requestId: number) => {
    const conversationId = inFlight.get(requestId);
    inFlight.delete(requestId);
    return conversationId;
  };
  const set = (next: DevtoolsSnapshot) => {
    snapshot = next;
    for (const listener of [...listeners]) listener();
  };
  const log = (entry: Omit<DevtoolsLogEntry, 'seq' | 'at'>) => {
    if (snapshot.paused) return;
    set({ ...snapshot, log: pushBounded(snapshot.log, { seq: ++seq, at: Date.now(), ...entry }, limit) });
  };
  const onTrace = (record: TraceRecord) => {
    switch (record.type) {
      case 'transition': {
        const now = performance.now();
        const transition: DevtoolsTransition = { at: Date.now(), from: record.from, state: record.state, event: record.event, afterMs: Math.round(now - stateSince) };
        if (record.reason !== undefined) transition.reason = record.reason;
        stateSince = now;
        if (!snapshot.paused) set({ ...snapshot, transitions: pushBounded(snapshot.transitions, transition, limit) });
        return;
      }
      case 'request': {
        const conversationId = conversationOf(record.event, record.payload);
        if (inFlight.size >= MAX_IN_FLIGHT) inFlight.delete(inFlight.keys().next().value!);
        inFlight.set(record.id, conversationId);
        log({ kind: 'sent', event: record.event, requestId: record.id, payload: record.payload, conversationId });
        return;
      }
      case 'ack':
        log({ kind: 'acked', event: record.event, requestId: record.id, ms: record.ms, payload: record.result, conversationId: settledConversation(record.id) });
        return;
      case 'refusal':
        log({ kind: 'refused', event: record.event, requestId: record.id, ms: record.ms, code: record.code, conversationId: settledConversation(record.id) });
        return;
      case 'reconnect':
        return; // Shown through the transitions it leads to.
    }
  };
  const offs: (() => void)[] = [];
  const start = () => {
    if (offs.length > 0) return;
    offs.push(client.trace.subscribe(onTrace));
    for (const event of RECEIVED_EVENTS) {
      offs.push(client.on(event, (payload: unknown) => log({ kind: 'received', event, payload, conversationId: conversationOf(event, payload) })));
    }
  };
  start();
  return {
    subscribe(listener) {
      start();
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => snapshot,
    setPaused: (paused) => {
      if (paused !== snapshot.paused) set({ ...snapshot, paused });
    },
    clear: () => set({ ...snapshot, log: [], transitions: [] }),
    destroy: () => {
      for (const off of offs.splice(0)) off();
      listeners.clear();
      inFlight.clear();
    },
  };
}
