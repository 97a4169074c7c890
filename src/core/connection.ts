import type { AuthErrorCode, ServerEventMap } from '../protocol/index.js';
import { computeBackoffDelay } from './backoff.js';
import {
  INITIAL_CONNECTION,
  LOST_AFTER_MS,
  STABLE_CONNECTION_MS,
  errorOf,
  toStatus,
  transition,
  type Connection,
  type ConnectionEvent,
  type ConnectionState,
  type HandshakeAnswer,
  type LifecyclePayloads,
  type LinkCallbacks,
  type TransitionFacts,
} from './connection-machine.js';
import { createEventBus, type EventBus, type ListenerErrorReporter } from './event-bus.js';
import { reasonOf, reconnectDecision, type Tracer } from './trace.js';
import { batch, createStore, type Store } from './store.js';
import type { ConnectionSnapshot, ConnectionStatus, RealtimeClientOptions, SocketLike } from './types.js';

export type { Connection, ConnectionState } from './connection-machine.js';

type Timer = ReturnType<typeof setTimeout>;
type ServerEvents = Pick<EventBus<ServerEventMap>, 'on'>;

/** Default of `connectTimeoutMs`: an attempt (`getToken` + handshake + `connection:established`) gets this long (ms); socket.io-client's `timeout` default. */
const CONNECT_TIMEOUT_MS = 20_000;

/** Statuses during which the link is a problem worth showing once it lasts (`lost`). */
const PROBLEM_STATUSES: ReadonlySet<ConnectionStatus> = new Set<ConnectionStatus>(['reconnecting', 'disconnected']);

/** Everything one connection knows: its state, counters and timers. Internal to this file. */
interface Runtime {
  socket: SocketLike;
  options: RealtimeClientOptions;
  link: LinkCallbacks;
  store: Store<ConnectionSnapshot>;
  lifecycle: EventBus<LifecyclePayloads>;
  /** Hears the handshake's answer each time the connection is established. */
  established: EventBus<{ established: HandshakeAnswer }>;
  state: ConnectionState;
  /** Shows `reconnecting` rather than `connecting`; announces `reconnected` rather than `connected`. */
  everConnected: boolean;
  /** Backoff attempts since the last connection (kept through auth-driven reconnects). */
  attempt: number;
  /** Auth-driven reconnects since the last stable connection. */
  authRefreshes: number;
  connectedAt: number;
  /** A newer attempt makes an older one's `getToken` answer stale. */
  attemptId: number;
  /**
   * The one timer of the current state, cleared on leaving it: the next
   * attempt (`backoff`) or the running attempt's deadline (`connecting`).
   */
  stateTimer?: Timer;
  lostTimer?: Timer;
  /** The delay (ms) the last `backoff` waits; kept for the trace (development builds). */
  retryDelayMs?: number;
  trace: Tracer;
  windowListening: boolean;
  onWindowSignal(): void;
  onVisibilityChange(): void;
}

const now = (rt: Runtime) => (rt.options.now ?? Date.now)();

/** The one way into the machine: compute the next state, leave the old one, enter the new one. */
function dispatch(rt: Runtime, event: ConnectionEvent): void {
  const facts: TransitionFacts = {
    attemptsLeft: rt.attempt < (rt.options.reconnection?.maxAttempts ?? 5),
    canFetchToken: rt.options.getToken !== undefined,
    firstAuthRefresh: rt.authRefreshes === 0,
  };
  const next = transition(rt.state, event, facts);
  if (next === null) return;
  const from = rt.state;
  batch(() => {
    leave(rt, next, event);
    rt.state = next;
    enter(rt, next, event);
  });
  if (process.env.NODE_ENV !== 'production') traceTransition(rt, from, next, event);
  rt.link.changed(next);
}

/** The transition, then the reconnect decision it made (development builds: the call is guarded). */
function traceTransition(rt: Runtime, from: ConnectionState, next: ConnectionState, event: ConnectionEvent): void {
  rt.trace.emit({ type: 'transition', from, state: next, event: event.type, reason: reasonOf(event) });
  const decision = reconnectDecision(event, next, rt.attempt, next === 'backoff' ? (rt.retryDelayMs ?? null) : null);
  if (decision) rt.trace.emit(decision);
}

/** Effects of leaving a state: its timer goes; leaving `connected` tells the link. */
function leave(rt: Runtime, next: ConnectionState, event: ConnectionEvent): void {
  clearTimeout(rt.stateTimer);
  if (rt.state !== 'connected') return;
  if (now(rt) - rt.connectedAt >= STABLE_CONNECTION_MS) rt.authRefreshes = 0;
  rt.link.down();
  rt.lifecycle.emit('disconnected', { reason: event.type === 'socketClosed' ? event.reason : event.type });
}

/** Effects of entering a state, then the snapshot. */
function enter(rt: Runtime, next: ConnectionState, event: ConnectionEvent): void {
  countAttempts(rt, next, event);
  const error = errorOf(event);
  const patch: Partial<ConnectionSnapshot> = { attempt: rt.attempt, nextRetryAt: null };
  if (error !== undefined) patch.error = error;
  setWindowListeners(rt, next === 'backoff' || next === 'failed');
  // Every state but `connected` starts with the socket closed: a dropped link, a
  // hung `getToken` (its answer is now stale) or handshake is abandoned (a new attempt opens a new one).
  if (next !== 'connected') {
    rt.attemptId++;
    rt.socket.disconnect();
  }
  if (next === 'connecting') {
    // The attempt's deadline: past it, the attempt fails like a network error ("timeout", as socket.io-client says).
    rt.stateTimer = setTimeout(() => dispatch(rt, { type: 'connectError', code: null, message: 'timeout' }), rt.options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS);
    void openSocket(rt);
  }
  if (next === 'backoff') patch.nextRetryAt = scheduleRetry(rt);
  if (next === 'connected') {
    rt.connectedAt = now(rt);
    patch.userId = event.type === 'established' ? event.answer.userId : null;
  }
  const status = toStatus(next, rt.everConnected, rt.attempt);
  if (next === 'disconnected' || next === 'destroyed') rt.everConnected = false;
  rt.store.set({ status, ...patch });
  trackLost(rt, status);
  if (next === 'connected' && event.type === 'established') announceConnected(rt, event.answer);
  if (next === 'destroyed') cleanUp(rt);
}

/** Counters move with the transition that caused them. */
function countAttempts(rt: Runtime, next: ConnectionState, event: ConnectionEvent): void {
  if (event.type === 'connect' || event.type === 'reconnect') {
    rt.attempt = 0;
    rt.authRefreshes = 0;
  }
  const authDriven = event.type === 'authExpired' || (event.type === 'connectError' && event.code === 'TOKEN_EXPIRED');
  if (authDriven) rt.authRefreshes++;
  if (next === 'backoff') rt.attempt++;
  // After an auth-driven reconnect the counter survives the connection: a
  // token the server expires at once must end in `failed`, not loop.
  if (next === 'connected' && rt.authRefreshes === 0) rt.attempt = 0;
}

function announceConnected(rt: Runtime, answer: HandshakeAnswer): void {
  const wasUp = rt.everConnected;
  rt.everConnected = true;
  rt.established.emit('established', answer);
  rt.lifecycle.emit(wasUp ? 'reconnected' : 'connected', {});
}

/** `lost`: at once on `failed`; after `lostAfterMs` of `reconnecting`/`disconnected`; cleared otherwise. */
function trackLost(rt: Runtime, status: ConnectionStatus): void {
  if (status === 'failed') {
    clearLostTimer(rt);
    if (!rt.store.getSnapshot().lost) markLost(rt);
    return;
  }
  if (!PROBLEM_STATUSES.has(status)) {
    clearLostTimer(rt);
    rt.store.set({ lost: false });
    return;
  }
  if (rt.lostTimer !== undefined || rt.store.getSnapshot().lost) return;
  rt.lostTimer = setTimeout(() => markLost(rt), rt.options.lostAfterMs ?? LOST_AFTER_MS);
}

function markLost(rt: Runtime): void {
  rt.lostTimer = undefined;
  rt.store.set({ lost: true });
  rt.lifecycle.emit('lost', {});
}

function clearLostTimer(rt: Runtime): void {
  clearTimeout(rt.lostTimer);
  rt.lostTimer = undefined;
}

/** Arms the backoff timer of attempt `rt.attempt`; returns when it fires (epoch ms). */
function scheduleRetry(rt: Runtime): number {
  const delay = computeBackoffDelay(rt.attempt, rt.options.reconnection, rt.options.random);
  if (process.env.NODE_ENV !== 'production') rt.retryDelayMs = delay;
  rt.stateTimer = setTimeout(() => dispatch(rt, { type: 'retryTimer' }), delay);
  return now(rt) + delay;
}

/** Asks `getToken` (a fresh token every attempt), then opens the socket unless a newer attempt started. */
async function openSocket(rt: Runtime): Promise<void> {
  const id = ++rt.attemptId;
  try {
    const token = rt.options.getToken ? await rt.options.getToken() : rt.options.token;
    if (id !== rt.attemptId) return;
    // Entering `connecting` closed the previous socket.
    // `protocol`: this client understands v1.1 (`presence:changes`, watches in the
    // handshake); a v1 server ignores it and the extra fields.
    rt.socket.auth = { token, protocol: '1.1', ...rt.link.handshakeFields() };
    rt.socket.connect();
  } catch (error) {
    if (id === rt.attemptId) dispatch(rt, { type: 'tokenError', message: String(error) });
  }
}

function cleanUp(rt: Runtime): void {
  clearLostTimer(rt);
  rt.lifecycle.clear();
  rt.established.clear();
}

/** Browser signals that the network may be back (`online`, tab visible): listened to only while waiting or failed. */
function setWindowListeners(rt: Runtime, wanted: boolean): void {
  if (wanted === rt.windowListening) return;
  rt.windowListening = wanted;
  const method = wanted ? 'addEventListener' : 'removeEventListener';
  globalThis.window?.[method]('online', rt.onWindowSignal);
  globalThis.document?.[method]('visibilitychange', rt.onVisibilityChange);
}

/** Turns the socket's and the server's events into machine events. */
function listen(rt: Runtime, serverEvents: ServerEvents): void {
  rt.socket.on('connect_error', (error: Error & { data?: { code?: AuthErrorCode } }) =>
    dispatch(rt, { type: 'connectError', code: error.data?.code ?? null, message: error.message }),
  );
  rt.socket.on('disconnect', (reason: string) => {
    // Our own socket.disconnect() is a consequence of a transition, not an event.
    if (reason !== 'io client disconnect') dispatch(rt, { type: 'socketClosed', reason });
  });
  serverEvents.on('connection:established', (answer) => dispatch(rt, { type: 'established', answer }));
  serverEvents.on('auth:expired', () => dispatch(rt, { type: 'authExpired' }));
}

/**
 * The one owner of reconnection: the state machine of `connection-machine.ts`
 * over a socket whose own reconnection is off. Events go in through
 * `dispatch`; `leave` and `enter` hold the effects of each state.
 */
export function createConnection(
  socket: SocketLike,
  options: RealtimeClientOptions,
  serverEvents: ServerEvents,
  link: LinkCallbacks,
  report: ListenerErrorReporter,
  trace: Tracer,
): Connection {
  const rt: Runtime = {
    socket,
    options,
    link,
    store: createStore<ConnectionSnapshot>(INITIAL_CONNECTION),
    lifecycle: createEventBus<LifecyclePayloads>(report),
    established: createEventBus<{ established: HandshakeAnswer }>(report),
    state: 'idle',
    everConnected: false,
    attempt: 0,
    authRefreshes: 0,
    connectedAt: 0,
    attemptId: 0,
    trace,
    windowListening: false,
    onWindowSignal: () => dispatch(rt, { type: 'reconnect' }),
    onVisibilityChange: () => {
      if (document.visibilityState === 'visible') dispatch(rt, { type: 'reconnect' });
    },
  };
  listen(rt, serverEvents);
  return {
    connection: rt.store,
    onLifecycle: rt.lifecycle.on,
    onEstablished: (listener) => rt.established.on('established', listener),
    connect: () => dispatch(rt, { type: 'connect' }),
    reconnect: () => dispatch(rt, { type: 'reconnect' }),
    disconnect: () => dispatch(rt, { type: 'disconnect' }),
    destroy: () => dispatch(rt, { type: 'destroy' }),
  };
}
