import { io } from 'socket.io-client';
import type { ConnectionEstablishedPayload, ConversationId } from '../protocol/index.js';
import { createConnection } from './connection.js';
import type { Context } from './context.js';
import { createConversationRegistry } from './conversation-registry.js';
import { assertSendableEventName, createEmitQueue } from './emit-queue.js';
import { RealtimeError } from './errors.js';
import { createErrorReporter, createEventBus } from './event-bus.js';
import { createOnlineUsers } from './online-users.js';
import { createOutbox } from './outbox.js';
import { createPresence } from './presence.js';
import { createRequestTable, REQUEST_TIMEOUT_MS } from './request-table.js';
import type { ClientEventMap, RealtimeClient, RealtimeClientOptions, RequestOptions, SocketLike } from './types.js';

/**
 * Requests whose effect the client keeps as state (rooms and presence
 * subscriptions are restored after every reconnect). Sent raw they would be
 * forgotten at the next reconnect, so `client.request` routes the join and
 * leave through the conversation handles and refuses the presence ones.
 */
const PRESENCE_MANAGED = new Set(['presence:subscribe', 'presence:unsubscribe']);

/** socket.io-client's `io`, as the factory socketkit calls. */
function defaultCreateSocket(url: string, socketOptions: Record<string, unknown>): SocketLike {
  return io(url, socketOptions);
}

/** One socket per client, whose own reconnection is off: socketkit owns it. */
function createSocket(options: RealtimeClientOptions): SocketLike {
  const create = options.createSocket ?? defaultCreateSocket;
  // forceNew keeps two clients from sharing one socket.
  return create(options.url, { ...options.socketOptions, autoConnect: false, reconnection: false, forceNew: true });
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
 */
export function createRealtimeClient(options: RealtimeClientOptions): RealtimeClient {
  const log = options.logger ?? console;
  const report = createErrorReporter(log, options.onError);
  const socket = createSocket(options);
  const serverEvents = createEventBus<ClientEventMap>(report);
  socket.onAny((event: string, payload: unknown) => serverEvents.emit(event, payload));
  let destroyed = false;
  const storeTracker = trackServerStore(serverEvents);

  const connection = createConnection(socket, options, serverEvents, { up: onLinkUp, down: onLinkDown, changed: onStateChanged }, report);
  const isConnected = () => connection.connection.getSnapshot().status === 'connected';
  const unavailable = () => new RealtimeError(destroyed ? 'DESTROYED' : 'DISCONNECTED');
  const requests = createRequestTable({
    socket,
    defaultTimeoutMs: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
    isConnected,
    isStopped: () => destroyed || isStoppedStatus(connection.connection.getSnapshot().status),
    unavailable,
  });
  const emitQueue = createEmitQueue();

  const context: Context = {
    options,
    log,
    now: options.now ?? Date.now,
    connected: isConnected,
    userId: () => connection.connection.getSnapshot().userId,
    request: requests.request,
    emitIfConnected(event, payload) {
      if (isConnected()) socket.emit(event, payload);
    },
    on: serverEvents.on,
    report,
  };
  const presence = createPresence(context);
  const onlineUsers = createOnlineUsers(context);
  const outbox = createOutbox(context, {
    changed: (conversationId) => conversations.find(conversationId)?.render(),
    confirmed: (message) => conversations.get(message.conversationId).receive([message]),
  });
  const conversations = createConversationRegistry({ ...context, presence, outbox });
  const rawJoins = new Map<ConversationId, () => void>();

  /** One step of the reconnect sequence: a failure is reported and the other steps still run. */
  function step<T>(name: string, run: () => T): T | undefined {
    try {
      return run();
    } catch (error) {
      report(error, `reconnect: ${name}`);
      return undefined;
    }
  }

  function onLinkUp(): void {
    const storeChanged = storeTracker.takeStoreChanged();
    step('presence', () => presence.resync());
    step('online users', () => onlineUsers.refreshIfWatched());
    const rejoins = step('rejoin', () => conversations.resyncAll(storeChanged)) ?? [];
    step('queued requests', () => requests.sendWaiting());
    for (const send of emitQueue.takeAll()) step('queued emit', send);
    // Queued messages go after the rooms are back, so they land after the catch-up.
    void Promise.allSettled(rejoins).then(() => step('outbox', () => outbox.flush()));
  }

  function onLinkDown(): void {
    step('presence', () => presence.reset());
    step('conversations', () => conversations.linkDown());
    // The server may or may not have handled these: only the caller can tell whether to retry.
    requests.failInFlight();
  }

  function onStateChanged(): void {
    // Waiting requests give up when no connection is coming.
    if (isStoppedStatus(connection.connection.getSnapshot().status)) requests.failWaiting();
  }

  /** `client.request`: managed events go through the managed state; the rest straight to the table. */
  function request<T>(event: string, payload?: unknown, requestOptions?: RequestOptions): Promise<T> {
    try {
      assertSendableEventName(event);
      assertNotPresenceManaged(event);
    } catch (error) {
      return Promise.reject(error);
    }
    const sent = requests.request<T>(event, payload, requestOptions);
    if (event === 'conversation:join' && typeof payload === 'string') return sent.then((result) => keepRawJoin(payload, result));
    if (event === 'conversation:leave' && typeof payload === 'string') releaseRawJoin(payload);
    return sent;
  }

  function keepRawJoin<T>(conversationId: ConversationId, result: T): T {
    if (!destroyed && !rawJoins.has(conversationId)) rawJoins.set(conversationId, conversations.get(conversationId).join());
    return result;
  }

  function releaseRawJoin(conversationId: ConversationId): void {
    rawJoins.get(conversationId)?.();
    rawJoins.delete(conversationId);
  }

  function emit(event: string, payload?: unknown): void {
    assertSendableEventName(event);
    assertNotPresenceManaged(event);
    if (event === 'conversation:join' || event === 'conversation:leave') {
      throw new RealtimeError('BAD_REQUEST', `"${event}" is managed by the client: use client.conversation(id).join() and its release`);
    }
    if (destroyed) return;
    if (isConnected()) socket.emit(event, payload);
    else emitQueue.push(() => socket.emit(event, payload));
  }

  function destroy(): void {
    if (destroyed) return;
    destroyed = true;
    connection.destroy();
    requests.failAll();
    outbox.destroy();
    conversations.destroy();
    onlineUsers.destroy();
    socket.offAny();
    socket.removeAllListeners();
    serverEvents.clear();
  }

  const client: RealtimeClient = {
    url: options.url,
    connection: connection.connection,
    presence,
    onlineUsers,
    connect: connection.connect,
    disconnect: connection.disconnect,
    reconnect: connection.reconnect,
    destroy,
    on: serverEvents.on as RealtimeClient['on'],
    onLifecycle: connection.onLifecycle,
    emit,
    request,
    conversation: conversations.get,
  };
  if (options.autoConnect !== false) client.connect();
  return client;
}

/** No connection is coming: `request` refuses at once instead of waiting. */
const isStoppedStatus = (status: string): boolean => status === 'idle' || status === 'failed' || status === 'disconnected';

function assertNotPresenceManaged(event: string): void {
  if (PRESENCE_MANAGED.has(event)) {
    throw new RealtimeError('BAD_REQUEST', `"${event}" is managed by the client: use client.presence.watch(userIds) and its release`);
  }
}

/**
 * The server's store identity (`storeId` of `connection:established`). A
 * different one than the client synced with means the server's history is not
 * the one the client holds: seq cursors cannot be trusted (docs/protocol.md, "Durability").
 */
function trackServerStore(serverEvents: { on: ReturnType<typeof createEventBus<ClientEventMap>>['on'] }) {
  let syncedStoreId: string | null = null;
  let storeChanged = false;
  // Registered before the connection's own listener, so it runs first.
  serverEvents.on('connection:established', (payload: ConnectionEstablishedPayload) => {
    const { storeId } = payload;
    if (storeId === undefined) return;
    if (syncedStoreId !== null && storeId !== syncedStoreId) storeChanged = true;
    syncedStoreId = storeId;
  });
  return {
    /** True once after the store changed. */
    takeStoreChanged(): boolean {
      const changed = storeChanged;
      storeChanged = false;
      return changed;
    },
  };
}
