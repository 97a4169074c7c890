import type { AuthErrorCode, ServerEventMap } from '../protocol/index.js';
import { computeBackoffDelay } from './backoff.js';
import { RealtimeError } from './errors.js';
import { batch, createStore, type Store } from './store.js';
import type { ConnectionSnapshot, ConnectionStatus, RealtimeClientOptions, SocketLike } from './types.js';

/** Internal states; `status()` maps them to the public `ConnectionStatus` (`backoff` waits to retry). */
type State = 'idle' | 'connecting' | 'connected' | 'backoff' | 'disconnected' | 'failed' | 'destroyed';

/** The client's `connection` store and controls, as the client exposes them. */
export interface Connection {
  connection: Store<ConnectionSnapshot>;
  connect(): void;
  disconnect(): void;
  reconnect(): void;
  destroy(): void;
}

type On = <E extends keyof ServerEventMap>(event: E, listener: (payload: ServerEventMap[E]) => void) => unknown;

/**
 * The one owner of reconnection: a state machine over a socket whose own
 * reconnection is off. `up`/`down` run when the link becomes usable / stops being so.
 */
export function createConnection(socket: SocketLike, opts: RealtimeClientOptions, on: On, up: () => void, down: () => void): Connection {
  const store = createStore<ConnectionSnapshot>({ status: 'idle', userId: null, attempt: 0, nextRetryAt: null, error: null });
  let state: State = 'idle';
  let wasUp = false; // shows `reconnecting` rather than `connecting`
  let gen = 0; // invalidates an attempt superseded while awaiting getToken
  let attempt = 0;
  let refreshed = false; // one immediate retry with a fresh token per expiry
  let timer: ReturnType<typeof setTimeout> | undefined;
  let listening = false;

  const status = (): ConnectionStatus =>
    state == 'connecting' || state == 'backoff' ? (wasUp ? 'reconnecting' : 'connecting') : state == 'destroyed' ? 'disconnected' : state;

  // Browser signals that the network may be back: listened to only while waiting or failed.
  const onVisible = () => document.visibilityState == 'visible' && reconnect();
  const listen = (yes: boolean) => {
    if (yes == listening) return;
    listening = yes;
    const method = yes ? 'addEventListener' : 'removeEventListener';
    globalThis.window?.[method]('online', reconnect);
    globalThis.document?.[method]('visibilitychange', onVisible);
  };

  const go = (next: State, patch: Partial<ConnectionSnapshot> = {}) =>
    batch(() => {
      const left = state == 'connected';
      state = next;
      listen(next == 'backoff' || next == 'failed');
      store.set({ status: status(), attempt, nextRetryAt: null, ...patch });
      if (next == 'connected') up();
      else if (left) down();
    });

  const retry = (error: RealtimeError) => {
    if (attempt >= (opts.reconnection?.maxAttempts ?? 5)) return go('failed', { error });
    const delay = computeBackoffDelay(++attempt, opts.reconnection, opts.random);
    timer = setTimeout(open, delay);
    go('backoff', { error, nextRetryAt: (opts.now ?? Date.now)() + delay });
  };

  async function open() {
    clearTimeout(timer);
    const my = ++gen;
    go('connecting');
    try {
      const token = opts.getToken ? await opts.getToken() : opts.token;
      if (my != gen) return;
      socket.auth = token ? { token } : {};
      socket.connect();
    } catch (e) {
      if (my == gen) retry(new RealtimeError('CONNECT_FAILED', `getToken: ${e}`));
    }
  }

  socket.on('connect_error', (err: Error & { data?: { code?: AuthErrorCode } }) => {
    if (state != 'connecting') return;
    const code = err.data?.code;
    // TOKEN_MISSING, TOKEN_INVALID, TOKEN_EXPIRED (protocol AUTH_ERROR_CODES), or a network failure.
    const error = new RealtimeError(/^TOKEN_/.test(code!) ? code! : 'CONNECT_FAILED', err.message);
    if (code == 'TOKEN_EXPIRED' && opts.getToken) {
      if (refreshed) return retry(error);
      refreshed = true;
      return void open();
    }
    // A refused token will be refused again: no retry loop.
    if (error.code == 'CONNECT_FAILED') retry(error);
    else go('failed', { error });
  });

  socket.on('disconnect', (reason: string) => {
    if (reason != 'io client disconnect' && (state == 'connected' || state == 'connecting')) retry(new RealtimeError('DISCONNECTED', reason));
  });

  on('connection:established', ({ userId }) => {
    if (state != 'connecting') return;
    attempt = 0;
    refreshed = false;
    wasUp = true;
    go('connected', { userId, error: null });
  });

  // The server is about to drop us: reconnect at once with a fresh token.
  on('auth:expired', () => state == 'connected' && reconnect());

  function reconnect() {
    if (state == 'destroyed') return;
    socket.disconnect();
    attempt = 0;
    void open();
  }

  const stop = (next: State) => {
    gen++;
    clearTimeout(timer);
    wasUp = false;
    go(next);
    socket.disconnect();
  };

  return {
    connection: store,
    connect: () => void (/^(idle|failed|disconnected)$/.test(state) && reconnect()),
    reconnect,
    disconnect: () => void (state != 'destroyed' && stop('disconnected')),
    destroy: () => stop('destroyed'),
  };
}
