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
  /** The conversation the entry is about, when its payload names one. */
  conversationId?: string;
  /** The received payload (received only). */
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

const conversationOf = (payload: unknown): string | undefined => {
  const id = (payload as { conversationId?: unknown } | null)?.conversationId;
  return typeof id === 'string' ? id : undefined;
};

const pushBounded = <T>(list: readonly T[], item: T, limit: number): T[] => {
  const next = list.length >= limit ? list.slice(list.length - limit + 1) : list.slice();
  next.push(item);
  return next;
};

/** Starts recording `client`; `destroy()` stops. */
export function createDevtoolsRecorder(client: RealtimeClient, { limit = DEFAULT_DEVTOOLS_LIMIT }: { limit?: number } = {}): DevtoolsRecorder {
  let snapshot: DevtoolsSnapshot = { log: [], transitions: [], paused: false };
  let seq = 0;
  let stateSince = performance.now();
  const listeners = new Set<() => void>();
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
      case 'request':
        log({ kind: 'sent', event: record.event, requestId: record.id });
        return;
      case 'ack':
        log({ kind: 'acked', event: record.event, requestId: record.id, ms: record.ms });
        return;
      case 'refusal':
        log({ kind: 'refused', event: record.event, requestId: record.id, ms: record.ms, code: record.code });
        return;
      case 'reconnect':
        return; // Shown through the transitions it leads to.
    }
  };
  const offs = [
    client.trace.subscribe(onTrace),
    ...RECEIVED_EVENTS.map((event) => client.on(event, (payload: unknown) => log({ kind: 'received', event, payload, conversationId: conversationOf(payload) }))),
  ];
  return {
    subscribe(listener) {
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
    },
  };
}
