import type { AuthErrorCode, ConnectionEstablishedPayload } from '../protocol/index.js';
import { RealtimeError } from './errors.js';
import type { Store } from './store.js';
import type { ConnectionLifecycleEvent, ConnectionSnapshot, ConnectionStatus } from './types.js';
import type { EventBus } from './event-bus.js';

/**
 * The states of the connection machine. `toStatus()` maps them to the public
 * `ConnectionStatus`.
 * - `idle`: created, nothing tried yet.
 * - `connecting`: an attempt is running (asking `getToken`, then the handshake).
 * - `connected`: `connection:established` received.
 * - `backoff`: waiting for the timer of the next attempt.
 * - `disconnected`: stopped by `disconnect()`.
 * - `failed`: gave up (attempts exhausted, token refused or keeps expiring).
 * - `destroyed`: `destroy()` was called; final.
 */
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'backoff' | 'disconnected' | 'failed' | 'destroyed';

/** Everything that can happen to the connection. */
export type ConnectionEvent =
  /** `connect()`. */
  | { type: 'connect' }
  /** `reconnect()`, the browser's `online` event, or the tab becoming visible. */
  | { type: 'reconnect' }
  /** `disconnect()`. */
  | { type: 'disconnect' }
  /** `destroy()`. */
  | { type: 'destroy' }
  /**
   * The server sent `connection:established`. `answer` is data the machine only
   * carries: entering `connected` hands it to the connection's `onEstablished` subscribers.
   */
  | { type: 'established'; answer: HandshakeAnswer }
  /**
   * The attempt failed: the network (`code` null; also an attempt that did not
   * reach `connection:established` within `connectTimeoutMs`) or a refused token.
   */
  | { type: 'connectError'; code: AuthErrorCode | null; message: string }
  /** `getToken` threw or rejected. */
  | { type: 'tokenError'; message: string }
  /** The socket closed without the client asking (server restart, network drop, server kick). */
  | { type: 'socketClosed'; reason: string }
  /** The server sent `auth:expired`: it is about to drop this connection. */
  | { type: 'authExpired' }
  /** The backoff timer ran out. */
  | { type: 'retryTimer' };

/** What the transition needs to know beyond the state and the event. */
export interface TransitionFacts {
  /** Another backoff attempt is allowed (`attempt < reconnection.maxAttempts`). */
  attemptsLeft: boolean;
  /** `getToken` exists, so a fresh token can be asked for. */
  canFetchToken: boolean;
  /** No auth-driven reconnect happened since the last stable connection: the next one may go at once. */
  firstAuthRefresh: boolean;
}

/**
 * The stopped states: no connection is coming until `connect()` (or
 * `reconnect()`). Their public statuses have the same names, so the client
 * also asks it of a status (`request` then refuses at once instead of waiting).
 */
const STOPPED: ReadonlySet<string> = new Set<ConnectionState>(['idle', 'disconnected', 'failed']);

/** True for `idle`, `disconnected` and `failed`, as a state or as a status: no connection is coming. */
export const isStopped = (stateOrStatus: ConnectionState | ConnectionStatus): boolean => STOPPED.has(stateOrStatus);

/** A refused token is refused again: no retry. (`TOKEN_EXPIRED` is handled by `afterTokenExpired`.) */
const afterFailedAttempt = (facts: TransitionFacts): ConnectionState => (facts.attemptsLeft ? 'backoff' : 'failed');

/** An expired token: one immediate refresh per streak, then the backoff like any failed attempt. */
function afterTokenExpired(facts: TransitionFacts): ConnectionState {
  if (!facts.canFetchToken) return 'failed';
  if (facts.firstAuthRefresh) return 'connecting';
  return afterFailedAttempt(facts);
}

/**
 * The connection's transition table: the next state, or `null` when `event`
 * means nothing in `state` (it is ignored). Pure; every effect (timers,
 * socket calls, window listeners, callbacks) belongs to entering or leaving a
 * state, in `createConnection`. docs/client.md prints this table.
 */
export function transition(state: ConnectionState, event: ConnectionEvent, facts: TransitionFacts): ConnectionState | null {
  if (state === 'destroyed') return null;
  switch (event.type) {
    case 'destroy':
      return 'destroyed';
    case 'disconnect':
      return state === 'disconnected' ? null : 'disconnected';
    case 'connect':
      return isStopped(state) ? 'connecting' : null;
    case 'reconnect':
      return 'connecting';
    case 'retryTimer':
      return state === 'backoff' ? 'connecting' : null;
    case 'established':
      return state === 'connecting' ? 'connected' : null;
    case 'tokenError':
      return state === 'connecting' ? afterFailedAttempt(facts) : null;
    case 'connectError':
      if (state !== 'connecting') return null;
      if (event.code === null) return afterFailedAttempt(facts);
      if (event.code === 'TOKEN_EXPIRED') return afterTokenExpired(facts);
      return 'failed';
    case 'socketClosed':
      return state === 'connected' || state === 'connecting' ? afterFailedAttempt(facts) : null;
    case 'authExpired':
      return state === 'connected' ? afterTokenExpired(facts) : null;
    default:
      return assertNever(event);
  }
}

/** Compile-time exhaustiveness: a new state or event that is not handled fails to type-check here. */
export function assertNever(value: never): never {
  throw new Error(process.env.NODE_ENV !== 'production' ? `Unhandled value: ${JSON.stringify(value)}` : 'Unhandled value');
}

/**
 * The public status of a state. `everConnected`/`attempt` decide the wording
 * the UI shows: a first connection whose attempt already failed is, to a
 * person, `reconnecting` as much as a dropped one.
 */
export function toStatus(state: ConnectionState, everConnected: boolean, attempt: number): ConnectionStatus {
  switch (state) {
    case 'idle':
    case 'connected':
    case 'disconnected':
    case 'failed':
      return state;
    case 'connecting':
    case 'backoff':
      return everConnected || attempt > 0 ? 'reconnecting' : 'connecting';
    case 'destroyed':
      return 'disconnected';
    default:
      return assertNever(state);
  }
}

/** The error a snapshot shows after `event`, or undefined to keep the last one. */
export function errorOf(event: ConnectionEvent): RealtimeError | null | undefined {
  switch (event.type) {
    case 'established':
      return null;
    case 'connectError':
      return new RealtimeError(event.code ?? 'CONNECT_FAILED', event.message);
    case 'tokenError':
      return new RealtimeError('CONNECT_FAILED', `getToken: ${event.message}`);
    case 'socketClosed':
      return new RealtimeError('DISCONNECTED', event.reason);
    case 'authExpired':
      // The explanation is development help; production builds keep the code as the message.
      return new RealtimeError('TOKEN_EXPIRED', process.env.NODE_ENV !== 'production' ? 'The server expired the token' : undefined);
    default:
      return undefined;
  }
}

/** An auth-driven reconnect streak ends when a connection stayed up this long (ms). */
export const STABLE_CONNECTION_MS = 10_000;
/** Default of `lostAfterMs`: a problem lasting this long (ms) makes the snapshot `lost`. */
export const LOST_AFTER_MS = 1000;

/**
 * The server's answer to the handshake (`connection:established`): the user,
 * the store's identity (`storeId`) and, from a v1.1 server, the answer to the
 * presence watches the handshake named. Each part is read by the part it
 * concerns (presence, the conversations); the connection only hands it on.
 */
export type HandshakeAnswer = ConnectionEstablishedPayload;

/** The client's `connection` store and controls, as the client exposes them. */
export interface Connection {
  connection: Store<ConnectionSnapshot>;
  /**
   * Calls `listener` with the handshake's answer each time the connection is
   * established (entering `connected`, in the same batch as the snapshot,
   * before the `connected`/`reconnected` lifecycle event). Listeners are
   * independent: none reads what another one did. Returns the unsubscribe.
   */
  onEstablished(listener: (answer: HandshakeAnswer) => void): () => void;
  /** Subscribe to `connected`, `reconnected`, `disconnected` (with the reason) and `lost`. */
  onLifecycle: EventBus<LifecyclePayloads>['on'];
  connect(): void;
  disconnect(): void;
  reconnect(): void;
  destroy(): void;
}

/** Payloads of the lifecycle events. */
export type LifecyclePayloads = Record<ConnectionLifecycleEvent, { reason?: string }>;

/** What the connection calls when the link stops being usable, and what it asks of the client. */
export interface LinkCallbacks {
  /** Left `connected`: in-flight work is lost. */
  down(): void;
  /** The state changed (after the store was written). */
  changed(state: ConnectionState): void;
  /** Fields the next handshake's `auth` carries beside the token and protocol (e.g. v1.1 `presence` watches); opaque to the connection. */
  handshakeFields(): Record<string, unknown>;
}

export const INITIAL_CONNECTION: ConnectionSnapshot = Object.freeze({ status: 'idle', userId: null, attempt: 0, nextRetryAt: null, error: null, lost: false });
