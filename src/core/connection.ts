import type { AuthErrorCode, ServerEventMap } from '../protocol/index.js';
import { computeBackoffDelay } from './backoff.js';
import {
  INITIAL_CONNECTION,
  errorOf,
  LOST_AFTER_MS,
  STABLE_CONNECTION_MS,
  toStatus,
  transition,
  type Connection,
  type ConnectionEvent,
  type ConnectionState,
  type LifecyclePayloads,
  type LinkCallbacks,
} from './connection-machine.js';
import { createEventBus, type EventBus, type ListenerErrorReporter } from './event-bus.js';
import { batch, createStore } from './store.js';
import type { ConnectionSnapshot, ConnectionStatus, RealtimeClientOptions, SocketLike } from './types.js';

export type { Connection, ConnectionState } from './connection-machine.js';

type Timer = ReturnType<typeof setTimeout>;
type ServerEvents = Pick<EventBus<ServerEventMap>, 'on'>;

/** Statuses during which the link is a problem worth showing once it lasts (`lost`). */
const PROBLEM_STATUSES: ReadonlySet<ConnectionStatus> = new Set<ConnectionStatus>(['reconnecting', 'disconnected', 'failed']);

/**
 * The one owner of reconnection: the state machine of `connection-machine.ts`
 * over a socket whose own reconnection is off. Events go in through
 * `dispatch`; the effects of entering and leaving each state are below it.
 */
export function createConnection(
  socket: SocketLike,
  options: RealtimeClientOptions,
  serverEvents: ServerEvents,
  link: LinkCallbacks,
  report: ListenerErrorReporter,
): Connection {
  const now = options.now ?? Date.now;
  const maxAttempts = options.reconnection?.maxAttempts ?? 5;
  const store = createStore<ConnectionSnapshot>(INITIAL_CONNECTION);
  const lifecycle = createEventBus<LifecyclePayloads>(report);
  let state: ConnectionState = 'idle';
  let everConnected = false;
  let attempt = 0; // backoff attempts since the last connection
  let authRefreshes = 0; // auth-driven reconnects since the last stable connection
  let connectedAt = 0;
  let attemptId = 0; // a newer attempt makes an older one's getToken answer stale
  let retryTimer: Timer | undefined;
  let lostTimer: Timer | undefined;
  let windowListening = false;

  function dispatch(event: ConnectionEvent): void {
    const facts = { attemptsLeft: attempt < maxAttempts, canFetchToken: options.getToken !== undefined, firstAuthRefresh: authRefreshes === 0 };
    const next = transition(state, event, facts);
    if (next === null) return;
    const previous = state;
    batch(() => {
      leave(previous, next, event);
      state = next;
      enter(next, event);
    });
    link.changed(next);
  }

  function leave(previous: ConnectionState, next: ConnectionState, event: ConnectionEvent): void {
    clearTimeout(retryTimer);
    if (previous !== 'connected') return;
    if (now() - connectedAt >= STABLE_CONNECTION_MS) authRefreshes = 0;
    const reason = event.type === 'socketClosed' ? event.reason : event.type;
    link.down();
    lifecycle.emit('disconnected', { reason });
    if (next === 'connecting' || next === 'backoff') socket.disconnect();
  }

  function enter(next: ConnectionState, event: ConnectionEvent): void {
    countAttempts(next, event);
    const error = errorOf(event);
    const patch: Partial<ConnectionSnapshot> = { attempt, nextRetryAt: null, ...(error === undefined ? {} : { error }) };
    setWindowListeners(next === 'backoff' || next === 'failed');
    switch (next) {
      case 'connecting':
        void openSocket();
        break;
      case 'backoff':
        patch.nextRetryAt = scheduleRetry();
        break;
      case 'connected':
        connectedAt = now();
        patch.userId = event.type === 'established' ? event.userId : null;
        break;
      case 'disconnected':
      case 'destroyed':
        stopSocket();
        break;
    }
    writeSnapshot(next, patch);
    if (next === 'connected') announceConnected();
    if (next === 'destroyed') cleanUp();
  }

  /** Counters move with the transition that caused them. */
  function countAttempts(next: ConnectionState, event: ConnectionEvent): void {
    const userAsked = event.type === 'connect' || event.type === 'reconnect';
    if (userAsked) {
      attempt = 0;
      authRefreshes = 0;
    }
    const authDriven = event.type === 'authExpired' || (event.type === 'connectError' && event.code === 'TOKEN_EXPIRED');
    if (authDriven) authRefreshes++;
    if (next === 'backoff') attempt++;
    // After an auth-driven reconnect the counter survives the connection: a
    // token the server expires at once must end in `failed`, not loop.
    if (next === 'connected' && authRefreshes === 0) attempt = 0;
  }

  function writeSnapshot(next: ConnectionState, patch: Partial<ConnectionSnapshot>): void {
    const status = toStatus(next, everConnected, attempt);
    if (next === 'disconnected' || next === 'destroyed') everConnected = false;
    store.set({ status, ...patch });
    trackLost(status);
  }

  function announceConnected(): void {
    const wasUp = everConnected;
    everConnected = true;
    store.set({ status: 'connected' });
    link.up();
    lifecycle.emit(wasUp ? 'reconnected' : 'connected', {});
  }

  /** `lost` turns true when a problem status lasts `lostAfterMs`; the next `connected` clears it. */
  function trackLost(status: ConnectionStatus): void {
    if (!PROBLEM_STATUSES.has(status)) {
      clearTimeout(lostTimer);
      lostTimer = undefined;
      store.set({ lost: false });
      return;
    }
    // A failure is final until someone acts: lost at once.
    if (status === 'failed') {
      clearTimeout(lostTimer);
      lostTimer = undefined;
    }
    if (lostTimer !== undefined || store.getSnapshot().lost) return;
    if (status === 'failed') return markLost();
    lostTimer = setTimeout(markLost, options.lostAfterMs ?? LOST_AFTER_MS);
  }

  function markLost(): void {
    lostTimer = undefined;
    store.set({ lost: true });
    lifecycle.emit('lost', {});
  }

  function scheduleRetry(): number {
    const delay = computeBackoffDelay(attempt, options.reconnection, options.random);
    retryTimer = setTimeout(() => dispatch({ type: 'retryTimer' }), delay);
    return now() + delay;
  }

  async function openSocket(): Promise<void> {
    const id = ++attemptId;
    try {
      const token = options.getToken ? await options.getToken() : options.token;
      if (id !== attemptId) return;
      socket.disconnect();
      socket.auth = token ? { token } : {};
      socket.connect();
    } catch (error) {
      if (id === attemptId) dispatch({ type: 'tokenError', message: String(error) });
    }
  }

  function stopSocket(): void {
    attemptId++;
    socket.disconnect();
  }

  function cleanUp(): void {
    clearTimeout(lostTimer);
    lostTimer = undefined;
    lifecycle.clear();
  }

  // Browser signals that the network may be back: listened to only while waiting or failed.
  const onOnline = () => dispatch({ type: 'reconnect' });
  const onVisibilityChange = () => {
    if (document.visibilityState === 'visible') dispatch({ type: 'reconnect' });
  };
  function setWindowListeners(wanted: boolean): void {
    if (wanted === windowListening) return;
    windowListening = wanted;
    if (wanted) {
      globalThis.window?.addEventListener('online', onOnline);
      globalThis.document?.addEventListener('visibilitychange', onVisibilityChange);
    } else {
      globalThis.window?.removeEventListener('online', onOnline);
      globalThis.document?.removeEventListener('visibilitychange', onVisibilityChange);
    }
  }

  socket.on('connect_error', (error: Error & { data?: { code?: AuthErrorCode } }) =>
    dispatch({ type: 'connectError', code: error.data?.code ?? null, message: error.message }),
  );
  socket.on('disconnect', (reason: string) => {
    // Our own socket.disconnect() is a consequence of a transition, not an event.
    if (reason !== 'io client disconnect') dispatch({ type: 'socketClosed', reason });
  });
  serverEvents.on('connection:established', ({ userId }) => dispatch({ type: 'established', userId }));
  serverEvents.on('auth:expired', () => dispatch({ type: 'authExpired' }));

  return {
    connection: store,
    onLifecycle: lifecycle.on,
    connect: () => dispatch({ type: 'connect' }),
    reconnect: () => dispatch({ type: 'reconnect' }),
    disconnect: () => dispatch({ type: 'disconnect' }),
    destroy: () => dispatch({ type: 'destroy' }),
  };
}
