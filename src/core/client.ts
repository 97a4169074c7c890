import { io } from 'socket.io-client';
import type { Ack, Message } from '../protocol/index.js';
import { createConnection } from './connection.js';
import type { Context, Conversation } from './context.js';
import { createConversation } from './conversation.js';
import { RealtimeError, toRealtimeError } from './errors.js';
import { createOutbox } from './outbox.js';
import { createPresence } from './presence.js';
import { batch } from './store.js';
import type { RealtimeClient, RealtimeClientOptions, RequestOptions, SocketLike } from './types.js';

/** Most fire-and-forget events kept while offline; the oldest is dropped past it. */
const EMIT_QUEUE_MAX = 100;

interface PendingRequest {
  /** `queueWhileOffline`: survives `failed`/`disconnected`, times out only once sent. */
  keep?: boolean;
  sent?: boolean;
  send(): void;
  fail(error: unknown): void;
}

type Listener = (payload: unknown) => void;

/**
 * Development-time argument errors (issue 10): the seed's `connect(token)`
 * would otherwise ignore its token and end in `TOKEN_MISSING` with no hint.
 *
 * @throws TypeError when `connect()` gets an argument, or when neither
 *   `getToken` nor `token` was given (the server would refuse with `TOKEN_MISSING`).
 */
function assertConnectArguments(args: unknown[], opts: RealtimeClientOptions): void {
  // Short messages: this is in every app's bundle (the core + React budget).
  if (args.length > 0) throw new TypeError('[socketkit] connect() takes no token: pass getToken (or token) to createRealtimeClient');
  if (opts.getToken === undefined && opts.token === undefined) throw new TypeError('[socketkit] createRealtimeClient needs getToken (or token) to connect');
}

/**
 * Create the realtime client: one socket, one reconnection state machine, and the
 * stores (connection, presence, conversations) any framework can read.
 *
 * @example
 * const client = createRealtimeClient({ url: 'http://localhost:3001', getToken: () => fetchToken() });
 * client.connection.subscribe(() => console.log(client.connection.getSnapshot().status));
 */
export function createRealtimeClient(opts: RealtimeClientOptions): RealtimeClient {
  const log = opts.logger ?? console;
  // socketkit owns reconnection; forceNew keeps two clients from sharing one socket.
  const socket = (opts.createSocket ?? (io as unknown as NonNullable<RealtimeClientOptions['createSocket']>))(opts.url, {
    ...opts.socketOptions,
    autoConnect: false,
    reconnection: false,
    forceNew: true,
  }) as SocketLike;
  const listeners = new Map<string, Set<Listener>>();
  const requests = new Set<PendingRequest>();
  const emitQueue: (() => void)[] = [];
  const handles = new Map<string, Conversation>();
  let destroyed = false;
  const gone = () => new RealtimeError(destroyed ? 'DESTROYED' : 'DISCONNECTED');

  const on = (event: string, listener: Listener) => {
    const set = listeners.get(event) ?? listeners.set(event, new Set()).get(event)!;
    set.add(listener);
    return () => void set.delete(listener);
  };

  // One socket.io listener for every event, however many subscribers; a throwing one does not stop the rest.
  socket.onAny((event: string, payload: unknown) =>
    batch(() =>
      listeners.get(event)?.forEach((listener) => {
        try {
          listener(payload);
        } catch (e) {
          log.error('[socketkit]', event, e);
          try {
            opts.onError?.(e, { event });
          } catch {
            // the error hook itself must not break dispatch
          }
        }
      }),
    ),
  );

  const status = () => conn.connection.getSnapshot().status;
  const connected = () => status() == 'connected';
  const failRequests = (which: (r: PendingRequest) => unknown) => requests.forEach((r) => which(r) && r.fail(gone()));

  const conn = createConnection(
    socket,
    opts,
    on as Context['on'],
    () => {
      ctx.presence.resync();
      const joins = [...handles.values()].map((c) => c.resync());
      requests.forEach((r) => r.sent || r.send());
      emitQueue.splice(0).forEach((send) => send());
      // Queued messages go after the rooms are back, so they land after the catch-up.
      void Promise.allSettled(joins).then(ctx.outbox.flush);
    },
    () => {
      ctx.presence.reset();
      handles.forEach((c) => c.down());
      // The server may or may not have handled these: only the caller can tell whether to retry.
      failRequests((r) => r.sent);
    },
  );
  // Waiting requests give up when no connection is coming.
  conn.connection.subscribe(() => /^(failed|disconnected)$/.test(status()) && failRequests((r) => !r.keep));

  function request(event: string, payload?: unknown, o: RequestOptions = {}): Promise<never> {
    return new Promise((resolve, reject) => {
      const { signal, queueWhileOffline: keep } = o;
      const refused = destroyed || (!keep && /^(idle|failed|disconnected)$/.test(status())) ? gone() : signal?.aborted && signal.reason;
      if (refused) return reject(refused);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const arm = () => (timer = setTimeout(() => done(new RealtimeError('TIMEOUT', event)), o.timeoutMs ?? opts.requestTimeoutMs ?? 1e4));
      const abort = () => done(signal!.reason);
      const done = (e: unknown, value?: unknown) => {
        if (!requests.delete(entry)) return;
        clearTimeout(timer);
        signal?.removeEventListener('abort', abort);
        if (e) reject(e);
        else resolve(value as never);
      };
      const entry: PendingRequest = {
        keep,
        fail: done,
        send() {
          entry.sent = true;
          if (keep) arm();
          socket.emit(event, payload, (ack: Ack) => {
            const { ok, error: e, ...result } = ack as Ack & { error?: unknown };
            done(ok === false && toRealtimeError(e), result);
          });
        },
      };
      requests.add(entry);
      signal?.addEventListener('abort', abort);
      if (!keep) arm();
      if (connected()) entry.send();
    });
  }

  const conversation = (id: string) => handles.get(id) ?? handles.set(id, createConversation(ctx, id)).get(id)!;

  const ctx = {
    opts,
    log,
    now: opts.now ?? Date.now,
    connected,
    userId: () => conn.connection.getSnapshot().userId,
    request,
    emit: (event: string, payload: unknown) => void (connected() && socket.emit(event, payload)),
    on,
    touch: (id: string) => handles.get(id)?.touch(),
    receive: (message: Message) => conversation(message.conversationId).receive([message]),
  } as unknown as Context;
  ctx.presence = createPresence(ctx);
  ctx.outbox = createOutbox(ctx);

  const client: RealtimeClient = {
    ...conn,
    connect(...args: unknown[]) {
      assertConnectArguments(args, opts);
      conn.connect();
    },
    url: opts.url,
    presence: ctx.presence,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      conn.destroy();
      failRequests(() => 1);
      ctx.outbox.destroy();
      handles.forEach((c) => c.destroy());
      socket.offAny();
      socket.removeAllListeners();
      listeners.clear();
    },
    on: on as RealtimeClient['on'],
    emit(event, payload) {
      if (destroyed) return;
      if (connected()) socket.emit(event, payload);
      // Bounded: past the limit the oldest queued event is dropped.
      else if (emitQueue.push(() => socket.emit(event, payload)) > EMIT_QUEUE_MAX) emitQueue.shift();
    },
    request: request as RealtimeClient['request'],
    conversation,
  };
  if (opts.autoConnect !== false) client.connect();
  return client;
}
