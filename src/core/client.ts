import { io } from 'socket.io-client';
import type { ConversationId, PresenceChangesPayload } from '../protocol/index.js';
import { isStopped, type HandshakeAnswer } from './connection-machine.js';
import { createConnection, type Connection } from './connection.js';
import type { Context, Outbox, Presence } from './context.js';
import { registerInternals, type LinkEvents } from './client-internals.js';
import { createConversationRegistry, type ConversationRegistry } from './conversation-registry.js';
import { assertSendableEventName, createEmitQueue, type EmitQueue } from './emit-queue.js';
import { RealtimeError } from './errors.js';
import { createErrorReporter, createEventBus, type EventBus, type ListenerErrorReporter } from './event-bus.js';
import { createOnlineUsers, type OnlineUsers } from './online-users.js';
import { registerInspection, type ClientInspection } from './inspect.js';
import { createOutbox } from './outbox.js';
import { createPresence } from './presence.js';
import { createRequestTable, REQUEST_TIMEOUT_MS, type RequestTable } from './request-table.js';
import { createTracer, logTrace, SILENT_TRACE, type Tracer } from './trace.js';
import type { ClientEventMap, Logger, RealtimeClient, RealtimeClientOptions, RequestOptions, SocketLike } from './types.js';

/**
 * Requests whose effect the client keeps as state (rooms and presence
 * subscriptions are restored after every reconnect). Sent raw they would be
 * forgotten at the next reconnect, so `client.request` routes the join and
 * leave through the conversation handles and refuses the presence ones.
 */
const PRESENCE_MANAGED = new Set(['presence:subscribe', 'presence:unsubscribe']);

/** One socket per client, whose own reconnection is off: socketkit owns it. */
function createSocket(options: RealtimeClientOptions): SocketLike {
  // socket.io-client's `io` is the default factory.
  const create: NonNullable<RealtimeClientOptions['createSocket']> = options.createSocket ?? io;
  // forceNew keeps two clients from sharing one socket. withCredentials: long-polling behind a
  // load balancer with cookie affinity (docs/deploy.md) needs the balancer's cookie on every
  // request, also cross-origin and in Node; socketkit servers allow credentials for their origins.
  return create(options.url, { withCredentials: true, ...options.socketOptions, autoConnect: false, reconnection: false, forceNew: true });
}

/** The parts of one client, wired by `createRealtimeClient`. Internal to this file. */
interface Parts {
  socket: SocketLike;
  report: ListenerErrorReporter;
  trace: Tracer;
  serverEvents: EventBus<ClientEventMap>;
  storeTracker: ServerStoreTracker;
  connection: Connection;
  requests: RequestTable;
  emitQueue: EmitQueue;
  presence: Presence;
  onlineUsers: OnlineUsers;
  outbox: Outbox;
  conversations: ConversationRegistry;
  /** What optional features (the inbox stores) hear of the link; the client knows none of them. */
  links: EventBus<LinkEvents>;
  /** What presence, the outbox, conversations and optional features share. */
  context: Context;
  /** Conversations joined through a raw `client.request('conversation:join')`: their release. */
  rawJoins: Map<ConversationId, () => void>;
  destroyed: { value: boolean };
}

const isConnected = (parts: Pick<Parts, 'connection'>) => parts.connection.connection.getSnapshot().status === 'connected';

/** One step of the reconnect sequence: a failure is reported and the other steps still run. */
function step<T>(parts: Parts, name: string, run: () => T): T | undefined {
  try {
    return run();
  } catch (error) {
    parts.report(error, `reconnect: ${name}`);
    return undefined;
  }
}

/**
 * Established (before the `connected`/`reconnected` lifecycle event): online
 * users, rooms (reloaded when the answer names another store), queued requests
 * and emits, then the outbox. Presence hears the answer itself.
 */
function onLinkUp(parts: Parts, answer: HandshakeAnswer): void {
  const storeChanged = parts.storeTracker.storeChanged(answer.storeId);
  step(parts, 'online users', () => parts.onlineUsers.refreshIfWatched());
  const rejoins = step(parts, 'rejoin', () => parts.conversations.resyncAll(storeChanged)) ?? [];
  step(parts, 'queued requests', () => parts.requests.sendWaiting());
  // After the queued requests: a store's catch-up fetch answers after what was queued offline.
  parts.links.emit('up', undefined);
  for (const send of parts.emitQueue.takeAll()) step(parts, 'queued emit', send);
  // Queued messages go after the rooms are back, so they land after the catch-up.
  void Promise.allSettled(rejoins).then(() => step(parts, 'outbox', () => parts.outbox.flush()));
}

/** Left `connected`. */
function onLinkDown(parts: Parts): void {
  step(parts, 'presence', () => parts.presence.reset());
  step(parts, 'online users', () => parts.onlineUsers.linkDown());
  step(parts, 'conversations', () => parts.conversations.linkDown());
  parts.links.emit('down', undefined);
  // The server may or may not have handled these: only the caller can tell whether to retry.
  parts.requests.failInFlight();
}

/** `client.request`: managed events go through the managed state; the rest straight to the table. */
function request<T>(parts: Parts, event: string, payload?: unknown, requestOptions?: RequestOptions): Promise<T> {
  try {
    assertSendableEventName(event);
    assertNotPresenceManaged(event);
  } catch (error) {
    return Promise.reject(error);
  }
  const sent = parts.requests.request<T>(event, payload, requestOptions);
  if (event === 'conversation:join' && typeof payload === 'string') return sent.then((result) => keepRawJoin(parts, payload, result));
  if (event === 'conversation:leave' && typeof payload === 'string') releaseRawJoin(parts, payload);
  return sent;
}

function keepRawJoin<T>(parts: Parts, conversationId: ConversationId, result: T): T {
  if (!parts.destroyed.value && !parts.rawJoins.has(conversationId)) parts.rawJoins.set(conversationId, parts.conversations.get(conversationId).join());
  return result;
}

function releaseRawJoin(parts: Parts, conversationId: ConversationId): void {
  parts.rawJoins.get(conversationId)?.();
  parts.rawJoins.delete(conversationId);
}

/** `client.emit`: refused names throw at the call site; queued while offline. */
function emit(parts: Parts, event: string, payload?: unknown): void {
  assertSendableEventName(event);
  assertNotPresenceManaged(event);
  if (event === 'conversation:join' || event === 'conversation:leave') {
    const use = process.env.NODE_ENV !== 'production' ? ': use client.conversation(id).join() and its release' : '';
    throw new RealtimeError('BAD_REQUEST', `"${event}" is managed by the client${use}`);
  }
  if (parts.destroyed.value) return;
  if (isConnected(parts)) parts.socket.emit(event, payload);
  else parts.emitQueue.push(() => parts.socket.emit(event, payload));
}

function destroy(parts: Parts): void {
  if (parts.destroyed.value) return;
  parts.destroyed.value = true;
  parts.connection.destroy();
  parts.requests.failAll();
  parts.outbox.destroy();
  parts.conversations.destroy();
  parts.onlineUsers.destroy();
  parts.links.emit('destroy', undefined);
  parts.links.clear();
  parts.socket.offAny();
  parts.socket.removeAllListeners();
  parts.serverEvents.clear();
  parts.trace.clear();
}

/** What presence, the outbox and conversations share. */
function createContext(options: RealtimeClientOptions, transport: Transport, connection: Connection, requests: RequestTable): Context {
  const connected = () => isConnected({ connection });
  return {
    options,
    log: transport.log,
    now: options.now ?? Date.now,
    connected,
    userId: () => connection.connection.getSnapshot().userId,
    request: requests.request,
    emitIfConnected(event, payload) {
      if (connected()) transport.socket.emit(event, payload);
    },
    on: transport.serverEvents.on,
    report: transport.report,
  };
}

interface Transport {
  log: Logger;
  trace: Tracer;
  report: ListenerErrorReporter;
  socket: SocketLike;
  serverEvents: EventBus<ClientEventMap>;
}

/** The socket and the one `onAny` listener that feeds the event bus. */
function createTransport(options: RealtimeClientOptions): Transport {
  const log = options.logger ?? console;
  const report = createErrorReporter(log, options.onError);
  // Production builds make no records: their trace is a source that never speaks (no bus to carry).
  const trace = process.env.NODE_ENV !== 'production' ? createTracer(report) : SILENT_TRACE;
  if (process.env.NODE_ENV !== 'production' && options.debug) logTrace(trace, log);
  const socket = createSocket(options);
  const serverEvents = createEventBus<ClientEventMap>(report);
  socket.onAny((event: string, payload: unknown) => {
    // Protocol v1.1: a batch of presence changes reaches listeners as the v1 events it stands for.
    if (event !== 'presence:changes') return serverEvents.emit(event, payload);
    for (const c of (payload as PresenceChangesPayload).changes) serverEvents.emit(c.online ? 'user:online' : 'user:offline', c);
  });
  return { log, trace, report, socket, serverEvents };
}

/** Wires every part; the link callbacks reach `parts` only once connected, when it is complete. */
function createParts(options: RealtimeClientOptions): Parts {
  const transport = createTransport(options);
  const destroyed = { value: false };
  const link = {
    down: () => onLinkDown(parts),
    changed: () => onStateChanged(parts),
    handshakeFields: () => ({ presence: parts.presence.handshakeWatches() }),
  };
  const connection = createConnection(transport.socket, options, transport.serverEvents, link, transport.report, transport.trace);
  const requests = createRequestTable({
    socket: transport.socket,
    defaultTimeoutMs: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
    isConnected: () => isConnected({ connection }),
    isStopped: () => isStopped(connection.connection.getSnapshot().status),
    isDestroyed: () => destroyed.value,
    unavailable: () => new RealtimeError(destroyed.value ? 'DESTROYED' : 'DISCONNECTED'),
    trace: transport.trace,
  });
  const context = createContext(options, transport, connection, requests);
  const presence = createPresence(context, connection);
  const outbox = createOutbox(context);
  const conversations = createConversationRegistry({ ...context, presence, outbox });
  const onlineUsers = createOnlineUsers(context);
  const links = createEventBus<LinkEvents>(transport.report);
  const parts: Parts = { ...transport, storeTracker: trackServerStore(), connection, requests, emitQueue: createEmitQueue(), presence, onlineUsers, outbox, conversations, links, context, rawJoins: new Map(), destroyed };
  connection.onEstablished((answer) => onLinkUp(parts, answer));
  return parts;
}

/** Waiting requests give up when no connection is coming. */
function onStateChanged(parts: Parts): void {
  if (isStopped(parts.connection.connection.getSnapshot().status)) parts.requests.failWaiting();
}

/**
 * Development-time argument errors (issue 10): the seed's `connect(token)`
 * would otherwise ignore its token and end in `TOKEN_MISSING` with no hint.
 * Called in development builds only (docs/client.md, "Creating a client").
 *
 * @throws TypeError when `connect()` gets an argument, or when neither
 *   `getToken` nor `token` was given (the server would refuse with `TOKEN_MISSING`).
 */
function assertConnectArguments(args: unknown[], options: RealtimeClientOptions): void {
  if (args.length > 0) throw new TypeError('[socketkit] connect() takes no token: pass getToken (or token) to createRealtimeClient');
  if (options.getToken === undefined && options.token === undefined) {
    throw new TypeError('[socketkit] createRealtimeClient needs getToken (or token) to connect');
  }
}

/**
 * Create the realtime client: one socket, one reconnection state machine, and
 * the stores (connection, presence, online users, conversations) any
 * framework can read. This function only wires the modules together; each
 * module's file says what it does.
 *
 * @example
 * const client = createRealtimeClient({ url: 'http://localhost:3001', getToken: () => fetchToken() });
 * client.connection.subscribe(() => console.log(client.connection.getSnapshot().status));
 * @throws TypeError when `url` is not a non-empty string (or no options are given).
 */
export function createRealtimeClient(options: RealtimeClientOptions): RealtimeClient {
  // A JavaScript caller's wrong configuration says which option, not a raw TypeError from inside.
  const url = (options as Partial<RealtimeClientOptions> | null | undefined)?.url;
  if (typeof url !== 'string' || url === '') {
    // The example and what was given: development builds only, as the other development help.
    const given = process.env.NODE_ENV !== 'production' ? `, e.g. { url: 'http://localhost:3001', getToken }; got ${options === undefined || options === null ? 'no options' : typeof url}` : '';
    throw new TypeError(`createRealtimeClient: url must be the server URL as a string${given}`);
  }
  const parts = createParts(options);
  const { connection } = parts;
  const client: RealtimeClient = {
    url: options.url,
    connection: connection.connection,
    presence: parts.presence,
    onlineUsers: parts.onlineUsers,
    connect: (...args: unknown[]) => {
      // Development help: an app's build defines process.env.NODE_ENV ("production" leaves the
      // check out), as React needs it; Vite and webpack define it without a `process` global.
      if (process.env.NODE_ENV !== 'production') assertConnectArguments(args, options);
      connection.connect();
    },
    disconnect: connection.disconnect,
    reconnect: connection.reconnect,
    destroy: () => destroy(parts),
    on: parts.serverEvents.on as RealtimeClient['on'],
    onLifecycle: connection.onLifecycle,
    emit: (event, payload) => emit(parts, event, payload),
    request: (event: string, payload?: unknown, requestOptions?: RequestOptions) => request(parts, event, payload, requestOptions),
    conversation: parts.conversations.get,
    trace: { subscribe: parts.trace.subscribe },
  };
  // Development builds: devtools read the parts through `inspectClient(client)`.
  if (process.env.NODE_ENV !== 'production') registerInspection(client, () => inspectParts(parts));
  registerInternals(client, { context: parts.context, outbox: parts.outbox, onLink: parts.links.on });
  if (options.autoConnect !== false) client.connect();
  return client;
}

/** `inspectClient`'s answer: each part's own copy (development builds; the parts add `inspect` there only). */
function inspectParts(parts: Parts): ClientInspection {
  return {
    outbox: parts.outbox.inspect?.() ?? [],
    conversations: parts.conversations.inspect?.() ?? [],
    presence: parts.presence.inspect?.() ?? [],
  };
}

function assertNotPresenceManaged(event: string): void {
  if (PRESENCE_MANAGED.has(event)) {
    const use = process.env.NODE_ENV !== 'production' ? ': use client.presence.watch(userIds) and its release' : '';
    throw new RealtimeError('BAD_REQUEST', `"${event}" is managed by the client${use}`);
  }
}

/**
 * The server's store identity (`storeId` of `connection:established`). A
 * different one than the client synced with means the server's history is not
 * the one the client holds: seq cursors cannot be trusted (docs/protocol.md, "Durability").
 */
interface ServerStoreTracker {
  /** The handshake answered with `storeId` (absent from old servers): true when it differs from the one synced with. */
  storeChanged(storeId: string | undefined): boolean;
}

function trackServerStore(): ServerStoreTracker {
  let syncedStoreId: string | null = null;
  return {
    storeChanged(storeId) {
      if (storeId === undefined) return false;
      const changed = syncedStoreId !== null && storeId !== syncedStoreId;
      syncedStoreId = storeId;
      return changed;
    },
  };
}
