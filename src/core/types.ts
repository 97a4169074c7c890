/**
 * Public types of the socketkit core client. The React layer and the UI kit
 * are written against these; the implementation lives beside this file.
 */
import type {
  ConversationId,
  Message,
  ProtocolError,
  RequestEvent,
  RequestPayload,
  RequestResult,
  ServerEventMap,
  UserId,
  ErrorCode,
  AuthErrorCode,
  OnlineUser,
  ConversationSummary,
  StoredNotification,
} from '../protocol/index.js';

/** Anything a framework can read: `useSyncExternalStore(store.subscribe, store.getSnapshot)`. */
export interface ReadableStore<T> {
  /** Calls `listener` after every change of the snapshot. Returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
  /** The current snapshot; the same object until something in it changed. */
  getSnapshot(): T;
  /**
   * The store's initial snapshot: what a server renders and what hydration
   * compares against (`useSyncExternalStore`'s third argument). Stores of the
   * core always offer it; your own stores may leave it out.
   */
  getServerSnapshot?(): T;
}

/** A store of the core: always offers its initial snapshot for server rendering and hydration. */
export interface CoreStore<T> extends ReadableStore<T> {
  /** The initial snapshot (constant): what a server renders and what hydration compares against. */
  getServerSnapshot(): T;
}

// ---------------------------------------------------------------------------
// Connection
// ---------------------------------------------------------------------------

/** The public connection status; docs/client.md maps every internal state to it (`toStatus`). */
export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'failed';

/** Codes a `RealtimeError` may carry: the protocol's, the handshake's, and the client's own. */
export type RealtimeErrorCode =
  | ErrorCode
  | AuthErrorCode
  | 'TIMEOUT'
  | 'DISCONNECTED'
  | 'OUTBOX_FULL'
  | 'DESTROYED'
  | 'CONNECT_FAILED';

/** Snapshot of `client.connection`. Times are epoch milliseconds. */
export interface ConnectionSnapshot {
  status: ConnectionStatus;
  /** The authenticated user, known after `connection:established`; kept while reconnecting. */
  userId: UserId | null;
  /** Reconnection attempts made since the last successful connection (0 when connected). */
  attempt: number;
  /** Epoch ms of the next scheduled attempt, or null. */
  nextRetryAt: number | null;
  /** Why the connection is not up (last failure), or null. */
  error: RealtimeErrorLike | null;
  /**
   * True once a problem (`reconnecting`, `disconnected`) has lasted
   * `lostAfterMs`, and at once on `failed`; false again when connected,
   * connecting for the first time or idle. What a banner shows, so short blips never flash.
   */
  lost: boolean;
}

/**
 * Edges of the connection, for code that must act on them (refetch after a
 * reconnect, show a banner): `connected` (first time, or after `disconnect()`),
 * `reconnected` (up again after a drop), `disconnected` (left `connected`;
 * payload `reason`: the socket's close reason or the transition's cause) and
 * `lost` (a problem lasted `lostAfterMs`, or the connection failed).
 */
export type ConnectionLifecycleEvent = 'connected' | 'reconnected' | 'disconnected' | 'lost';

/** Plain shape of a `RealtimeError`, as kept in snapshots. */
export interface RealtimeErrorLike {
  name: string;
  code: RealtimeErrorCode;
  message: string;
  retryAfterMs?: number;
}

/** The backoff schedule of reconnection attempts (all times in ms); see `computeBackoffDelay`. */
export interface ReconnectionOptions {
  /** First delay. Default 1000. */
  initialDelayMs?: number | undefined;
  /** Largest delay. Default 16000. */
  maxDelayMs?: number | undefined;
  /** Attempts before `failed`. Default 5. `Infinity` never gives up. */
  maxAttempts?: number | undefined;
  /** 0..1: each delay is multiplied by a random factor in [1 - jitter, 1 + jitter]. Default 0.2. */
  jitter?: number | undefined;
}

/** Storage for the offline outbox (e.g. `localStorage`). Sync or async. */
export interface OutboxStorage {
  getItem(key: string): string | null | Promise<string | null>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}

/** Options of the offline outbox (messages sent while offline). */
export interface OutboxOptions {
  /** Most queued sends. Default 500; past it `send` rejects with `OUTBOX_FULL`. */
  maxSize?: number | undefined;
  /** Persist queued messages so a reload does not lose them. */
  storage?: OutboxStorage | undefined;
  /** Storage key. Default `socketkit:outbox`. */
  storageKey?: string | undefined;
}

/** Where the client logs: `console` by default. `warn`/`error` receive a `[socketkit]` prefix first. */
export interface Logger {
  debug?(...args: unknown[]): void;
  info?(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

// ---------------------------------------------------------------------------
// Tracing
// ---------------------------------------------------------------------------

/**
 * One thing the client did, as `client.trace` reports it (development builds only):
 * - `transition`: the connection machine moved `from` → `state` on `event`
 *   (`connect`, `connectError`, `socketClosed`, …), with the `reason` when
 *   the event has one (the close reason, the refusal's code, the token error).
 * - `request`: request `#id` (`event`) went out on the socket with `payload`
 *   (the caller's own value, as sent: read it, do not change it).
 * - `ack`: its ack came back `ok` after `ms` (round trip, monotonic clock),
 *   with `result`, the ack minus `ok` (what the request resolves with).
 * - `refusal`: it failed with `code` (the server's refusal, `TIMEOUT`,
 *   `DISCONNECTED`, …) after `ms` (null when it was refused before it went out).
 * - `reconnect`: what the machine decided after a failure: `retry` after
 *   `delayMs` (0: at once, with a fresh token) or `give up`, and `why`.
 */
export type TraceRecord =
  | { type: 'transition'; from: string; state: string; event: string; reason?: string }
  | { type: 'request'; id: number; event: string; payload: unknown }
  | { type: 'ack'; id: number; event: string; ms: number; result: unknown }
  | { type: 'refusal'; id: number; event: string; code: string; ms: number | null }
  | { type: 'reconnect'; decision: 'retry' | 'give up'; attempt: number; delayMs: number | null; why: string };

/** A source of trace records: `subscribe` returns the unsubscribe. */
export interface TraceSource {
  subscribe(listener: (record: TraceRecord) => void): () => void;
}

/** Options of `createRealtimeClient`. Times are milliseconds. */
export interface RealtimeClientOptions {
  /** Server URL, e.g. `http://localhost:3001`. */
  url: string;
  /** A fixed token. Prefer `getToken` for tokens that expire. */
  token?: string | undefined;
  /** Called before every connection attempt; may be async. */
  getToken?: (() => string | null | undefined | Promise<string | null | undefined>) | undefined;
  /** Connect at creation. Default true in browsers and Node alike. */
  autoConnect?: boolean | undefined;
  reconnection?: ReconnectionOptions | undefined;
  /** How long (ms) a problem lasts before the snapshot says `lost` and `lost` fires. Default 1000. */
  lostAfterMs?: number | undefined;
  /**
   * How long (ms) one attempt may take from entering `connecting` (`getToken`,
   * handshake) to `connection:established`; past it the attempt counts as a
   * failed network attempt (backoff, `CONNECT_FAILED`). Default 20000, socket.io-client's `timeout`.
   */
  connectTimeoutMs?: number | undefined;
  /** Default timeout of `request()`. Default 10000. */
  requestTimeoutMs?: number | undefined;
  outbox?: OutboxOptions | undefined;
  /**
   * Passed to socket.io-client's `io()` (transports, path, …). `reconnection` is always off: socketkit owns it.
   * `withCredentials` defaults to true (socket.io-client's default is false), so long-polling behind a
   * load balancer with cookie affinity sends the balancer's cookie (docs/deploy.md, "Load balancer").
   */
  socketOptions?: Record<string, unknown> | undefined;
  logger?: Logger | undefined;
  /**
   * Log every trace record (`client.trace`: transitions, requests and acks with
   * their round trip, refusals, reconnect decisions) as a `[socketkit] …` line
   * on `logger.debug` (else `console.debug`). Default false. Development
   * builds only: a production build (`process.env.NODE_ENV === 'production'`)
   * makes no records, so this logs nothing there.
   */
  debug?: boolean | undefined;
  /** Called when a listener throws (after logging). */
  onError?: ((error: unknown, context: { event?: string }) => void) | undefined;
  /**
   * Injectable for tests: the wall clock (ms since the epoch) of timestamps people read (`createdAt`, `nextRetryAt`),
   * and randomness. Durations (throttles, timers) use the monotonic `performance.now()`.
   */
  now?: (() => number) | undefined;
  random?: (() => number) | undefined;
  /** Makes the socket. Default: socket.io-client's `io(url, options)`. Inject a fake in tests. */
  createSocket?: ((url: string, options: Record<string, unknown>) => SocketLike) | undefined;
}

/** The part of a socket.io-client `Socket` that socketkit uses. */
export interface SocketLike {
  auth: unknown;
  readonly connected: boolean;
  connect(): unknown;
  disconnect(): unknown;
  emit(event: string, ...args: unknown[]): unknown;
  on(event: string, listener: (...args: never[]) => void): unknown;
  onAny(listener: (event: string, ...args: unknown[]) => void): unknown;
  offAny(): unknown;
  removeAllListeners(): unknown;
}

// ---------------------------------------------------------------------------
// Presence
// ---------------------------------------------------------------------------

/** One user's presence as the client knows it. Times are ISO 8601 strings. */
export interface UserPresence {
  online: boolean;
  /** When the user came online (ISO), if online. */
  since: string | null;
  /** When the user was last seen (ISO), if offline and known. */
  lastSeen: string | null;
  /**
   * True while this client is disconnected: the value is the last one heard
   * and may be wrong (the client cannot hear changes). Cleared by the
   * resubscribe after the reconnect. Absent when fresh.
   */
  stale?: boolean;
}

/** Snapshot of the presence store: one entry per watched user. */
export type PresenceSnapshot = ReadonlyMap<UserId, UserPresence>;

/** `client.presence`: reference-counted, batched presence of the users this client watches. */
export interface PresenceApi extends CoreStore<PresenceSnapshot> {
  /**
   * Watch users while the returned release has not been called. Reference-counted and batched.
   * A number becomes its string; an invalid id (empty, not a string, longer than
   * `LIMITS.maxIdLength`) is reported through `onError` and the logger and not
   * watched, without affecting the valid ones.
   */
  watch(userIds: UserId | readonly UserId[]): () => void;
  isOnline(userId: UserId): boolean;
  /** One user's presence, `undefined` until known. Stable identity per user until it changes. */
  get(userId: UserId): UserPresence | undefined;
  /** Subscribe to one user's changes only. */
  subscribeUser(userId: UserId, listener: () => void): () => void;
  /** One page of `presence:list` (who is online now). */
  list(options?: { cursor?: string; limit?: number }): Promise<{ users: { userId: UserId; since: string }[]; hasMore: boolean }>;
}

/** Snapshot of `client.onlineUsers`. */
export interface OnlineUsersSnapshot {
  /** Who is online: the first page of `presence:list`, kept up to date by the events this client hears. */
  users: readonly OnlineUser[];
  /** More users are online than the page holds. */
  hasMore: boolean;
  /** True until the first answer. */
  loading: boolean;
  error: RealtimeErrorLike | null;
  /** True while the client is disconnected: the last list heard, refreshed after the reconnect. */
  stale: boolean;
}

/** Options of `client.onlineUsers.watch`. */
export interface OnlineUsersWatchOptions {
  /** Page size asked of `presence:list` (the server caps it). */
  limit?: number | undefined;
  /** Poll every this many ms while watched (default 15000; 0 turns polling off for this watcher). */
  refreshMs?: number | undefined;
}

/**
 * Who is online now (`presence:list`), for small deployments and dashboards.
 * Fetched only while watched: `watch()` starts the client's one poller (and
 * fetches on every reconnect), its release stops it when it was the last.
 */
export interface OnlineUsersApi extends CoreStore<OnlineUsersSnapshot> {
  /** Keep the list fresh while the returned release has not been called. Reference-counted. */
  watch(options?: OnlineUsersWatchOptions): () => void;
  /** Ask the server again now (no-op while not connected). */
  refresh(): void;
}

// ---------------------------------------------------------------------------
// Conversations
// ---------------------------------------------------------------------------

/** `sending` (in the outbox), `sent` (stored by the server, has a `seq`), `failed` (refused; see `error`). */
export type MessageStatus = 'sending' | 'sent' | 'failed';

/** A message as the client shows it: confirmed (`sent`) or this client's own pending ones. */
export interface ClientMessage extends Omit<Message, 'id' | 'seq'> {
  /** Server id once confirmed; `clientMessageId` before. */
  id: string;
  /** Server seq once confirmed; null while pending. */
  seq: number | null;
  status: MessageStatus;
  /** Why it failed, when `status === 'failed'`. */
  error?: RealtimeErrorLike;
}

/**
 * What `send()` (and `retry()`) knew when it was called:
 * - `sending`: the client is connected; the message is going out now (after the ones before it).
 * - `queued`: the client is not connected; the message waits in the outbox and goes out on the next connection.
 * - `refused`: it never became a pending message (nothing in the list): `error` says why.
 */
export type SendStatus = 'queued' | 'sending' | 'refused';

/**
 * What `send()` and `retry()` return: the promise of the stored message (as
 * before), plus what the client knew at once, so a UI tells a queued message
 * from a refused one without comparing lists.
 *
 * The promise resolves with the stored message (`sent`, with `seq`). It
 * rejects with a `RealtimeError`: at once when `status` is `refused` (the
 * same error as `error`); later with the server's code when the server
 * refuses the message for good (it stays in the list as `failed`, for
 * `retry`/`discard`), or with `DESTROYED` when the message left the list
 * unsent (discarded, or the client destroyed).
 *
 * @example
 * const sent = room.send(text);
 * if (sent.status === 'refused') showError(sent.error.code); // e.g. OUTBOX_FULL: keep the text
 * else if (sent.status === 'queued') showNote('Will be sent when back online');
 */
export type SendResult = Promise<ClientMessage> &
  (
    | {
        readonly status: 'queued' | 'sending';
        /** The pending message's id in `messages` (its `clientMessageId`). */
        readonly clientMessageId: string;
        readonly error: null;
      }
    | {
        readonly status: 'refused';
        /** The message's id when it was a message before (`retry`); null for a `send` refused at once. */
        readonly clientMessageId: string | null;
        /** Why: `BAD_REQUEST` (empty or too long), `OUTBOX_FULL`, `NOT_FOUND` (retry of an unknown id), `DESTROYED`. */
        readonly error: RealtimeErrorLike;
      }
  );

/**
 * What `join()` returns: the release (call it, or its `release()`, to let go
 * of this join; the room is left after the last one), plus `joined`.
 *
 * `joined` resolves once the conversation is joined (waiting through
 * reconnects while offline) and rejects with a `RealtimeError`: the server's
 * refusal (`NOT_FOUND`, `FORBIDDEN`, …; the snapshot says `error` too),
 * `DISCONNECTED` when this join is released first, `DESTROYED` when the
 * client is destroyed first. It is not a thenable itself, so a release can be
 * returned from an effect or a promise callback without being awaited by accident.
 *
 * @example
 * const join = room.join();
 * await join.joined; // or catch the refusal
 * join(); // leave
 */
export interface ConversationJoin {
  (): void;
  release(): void;
  readonly joined: Promise<void>;
}

/** `idle` (not joined), `joining`, `joined`, `error` (the join failed; see `error`). */
export type ConversationStatus = 'idle' | 'joining' | 'joined' | 'error';

/** Snapshot of a conversation handle. */
export interface ConversationSnapshot {
  conversationId: ConversationId;
  status: ConversationStatus;
  /** Confirmed messages in `seq` order, then this client's pending and failed ones. */
  messages: readonly ClientMessage[];
  participantIds: readonly UserId[];
  /** Other users typing now (never this user). */
  typingUserIds: readonly UserId[];
  /** Older history exists on the server. */
  hasMore: boolean;
  /** `loadOlder()` in progress. */
  loadingOlder: boolean;
  error: RealtimeErrorLike | null;
}

/**
 * One conversation of the client, shared per id (`client.conversation(id)`); kept while joined,
 * subscribed or holding pending messages (docs/client.md, "Handle retention").
 */
export interface ConversationHandle extends CoreStore<ConversationSnapshot> {
  readonly id: ConversationId;
  /**
   * Join (reference-counted). Returns the release (the room is left after the
   * last release), whose `joined` promise settles when joined or refused (`ConversationJoin`).
   */
  join(): ConversationJoin;
  /**
   * Send a message. Queued in the outbox while offline (shown at once with
   * status `sending`). Returns a `SendResult`: its `status` says at once
   * whether the message is going out (`sending`), waits for a connection
   * (`queued`) or was refused (`refused`, with `error`); as a promise it
   * resolves with the stored message (`sent`, with `seq`).
   * Rejects with a `RealtimeError`: `BAD_REQUEST` for empty content or content
   * over `MAX_CONTENT_LENGTH` (nothing is queued), `OUTBOX_FULL` past
   * `outbox.maxSize`, the server's code when it refuses the message for good
   * (`FORBIDDEN`, `NOT_FOUND`, `BAD_REQUEST`, `PAYLOAD_TOO_LARGE`: the message
   * stays `failed` for `retry`/`discard`), `DESTROYED` when discarded or the
   * client is destroyed. Retryable failures (`DISCONNECTED`, `TIMEOUT`,
   * `RATE_LIMITED`, `INTERNAL`) are retried by the outbox, not rejected.
   */
  send(content: string): SendResult;
  /** Send a failed message again with the same clientMessageId (`refused` with `NOT_FOUND` when the client holds no such message). */
  retry(clientMessageId: string): SendResult;
  /** Drop a failed or pending message from the list and the outbox. */
  discard(clientMessageId: string): void;
  /** Load the previous page of history. Resolves false when there is nothing older. */
  loadOlder(): Promise<boolean>;
  /** Throttled `typing:start`; call on every keystroke. */
  startTyping(): void;
  stopTyping(): void;
}

// ---------------------------------------------------------------------------
// Inbox (protocol 1.2): stores made per client on first use
// ---------------------------------------------------------------------------

/** What every paged inbox snapshot says about its loading. */
export interface InboxPageState {
  /** More exists on the server: `loadMore()` fetches it. */
  hasMore: boolean;
  /** True until the first answer. */
  loading: boolean;
  /** `loadMore()` in progress. */
  loadingMore: boolean;
  /** The last request failed (the list keeps what it held). */
  error: RealtimeErrorLike | null;
  /**
   * The server does not speak protocol 1.2 (it answered `BAD_REQUEST`
   * "Unknown event …"): the list stays empty; nothing is retried.
   */
  unsupported: boolean;
  /** True while the client is disconnected: the last list heard, fetched again after the reconnect. */
  stale: boolean;
}

/** Snapshot of `getConversationList(client)`. */
export interface ConversationListSnapshot extends InboxPageState {
  /** The loaded pages, most recent activity first, each with `lastMessage`, `lastReadSeq` and `unreadCount`. */
  conversations: readonly ConversationSummary[];
  /** Sum of `unreadCount` over the loaded conversations. */
  unreadCount: number;
}

/** Options of the inbox stores' `watch`. */
export interface InboxWatchOptions {
  /** Page size asked of the server (1–200; the server's default is 50). */
  limit?: number;
}

/**
 * `getConversationList(client)`: the user's conversations (`conversation:list`),
 * fetched while watched and after every reconnect, kept live by
 * `message:new`, `conversation:updated` and `conversation:read-state`.
 */
export interface ConversationListApi extends CoreStore<ConversationListSnapshot> {
  /** Keep the list loaded and fresh while the returned release has not been called. Reference-counted. */
  watch(options?: InboxWatchOptions): () => void;
  /** Fetch the first page again now (no-op while not connected). */
  refresh(): Promise<void>;
  /** Append the next page. Resolves false when there is none, one is loading, or it failed (see `error`). */
  loadMore(): Promise<boolean>;
  /**
   * Mark the conversation read up to `seq` (default: its `lastSeq` in the
   * list). Shown at once; sent once (a burst, or any number of calls made
   * offline, send the highest seq per conversation when connected). Every
   * device of the user then hears the new read state. Never moves a cursor back.
   *
   * @throws RealtimeError `BAD_REQUEST` for an empty id, a seq that is not a
   *   non-negative integer, or no seq for a conversation the list does not hold.
   *   A refusal by the server (`NOT_FOUND`, `FORBIDDEN`) is reported through
   *   `onError` and the list is fetched again.
   */
  markRead(conversationId: ConversationId, seq?: number): void;
  /** The listed conversation `conversationId`, if loaded. */
  get(conversationId: ConversationId): ConversationSummary | undefined;
}

/** Snapshot of `getReadReceipts(client)`: per conversation, per other participant, the highest seq they read. */
export type ReadReceiptsSnapshot = ReadonlyMap<ConversationId, ReadonlyMap<UserId, number>>;

/** `getReadReceipts(client)`: the `receipt:read` events heard (they reach joined sockets). */
export type ReadReceiptsApi = CoreStore<ReadReceiptsSnapshot>;

/** Snapshot of `getNotificationInbox(client)`. */
export interface NotificationInboxSnapshot extends InboxPageState {
  /** The loaded pages, newest first; `readAt` null while unread. */
  notifications: readonly StoredNotification[];
  /** All of the user's unread notifications (not just the loaded ones), as the server counts them. */
  unreadCount: number;
}

/**
 * `getNotificationInbox(client)`: the user's stored notifications
 * (`notification:list`), fetched while watched and after every reconnect,
 * kept live by `notification:new` and `notification:read-state`.
 */
export interface NotificationInboxApi extends CoreStore<NotificationInboxSnapshot> {
  watch(options?: InboxWatchOptions): () => void;
  refresh(): Promise<void>;
  loadMore(): Promise<boolean>;
  /**
   * Mark these notifications read: shown at once, sent when connected (queued
   * while offline). Resolves when the server answered; rejects with a
   * `RealtimeError` (`BAD_REQUEST` for ids that are not non-empty strings;
   * the server's code, after which the inbox is fetched again).
   */
  markRead(ids: readonly string[]): Promise<void>;
  /** Mark every notification of the user read (`notification:read { all: true }`). */
  markAllRead(): Promise<void>;
}

// ---------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------

/** Payloads of the events `client.on` delivers. */
export type ClientEventMap = ServerEventMap & {
  /** Any server event not in the protocol is also delivered to `on(name)`. */
  [event: string]: unknown;
};

/** Options of `client.request`. `timeoutMs` in milliseconds. */
export interface RequestOptions {
  timeoutMs?: number | undefined;
  /** Keep the request queued while offline and send it after reconnect (default false: reject with DISCONNECTED). */
  queueWhileOffline?: boolean | undefined;
  signal?: AbortSignal | undefined;
}

/** The realtime client made by `createRealtimeClient`. */
export interface RealtimeClient {
  readonly url: string;
  readonly connection: CoreStore<ConnectionSnapshot>;
  readonly presence: PresenceApi;
  /** Who is online (`presence:list`), polled while watched. */
  readonly onlineUsers: OnlineUsersApi;
  connect(): void;
  disconnect(): void;
  /** Reconnect now, also after `failed`. Resets the attempt counter. */
  reconnect(): void;
  /** Dispose everything: no timer, listener or socket is left. */
  destroy(): void;
  on<E extends keyof ServerEventMap>(event: E, listener: (payload: ServerEventMap[E]) => void): () => void;
  on(event: string, listener: (payload: unknown) => void): () => void;
  /** Subscribe to an edge of the connection (see `ConnectionLifecycleEvent`). Returns the unsubscribe. */
  onLifecycle(event: ConnectionLifecycleEvent, listener: (payload: { reason?: string }) => void): () => void;
  /**
   * Fire-and-forget; queued while offline (at most 100, oldest dropped).
   * Throws `RealtimeError('BAD_REQUEST')` at the call site for a name that
   * cannot be sent (empty, or reserved by Socket.IO: `RESERVED_EVENT_NAMES`)
   * and for events the client manages (`conversation:join`/`leave`,
   * `presence:subscribe`/`unsubscribe`: the message names the API to use).
   */
  emit(event: string, payload?: unknown): void;
  /**
   * Send a request and resolve with its ack minus `ok`. Rejects with a
   * `RealtimeError` whose code is the protocol's (`BAD_REQUEST`, `FORBIDDEN`,
   * `NOT_FOUND`, `RATE_LIMITED` with `retryAfterMs`, `PAYLOAD_TOO_LARGE`,
   * `INTERNAL`), `TIMEOUT` (no ack within `timeoutMs`), `DISCONNECTED` (no
   * connection coming, or the link dropped while in flight) or `DESTROYED`;
   * with the signal's reason when aborted; with `BAD_REQUEST` for a reserved
   * name or a raw presence subscription. A successful raw `conversation:join`
   * also joins the conversation's handle (rejoined after reconnects) until a
   * raw `conversation:leave`.
   */
  request<E extends RequestEvent>(event: E, payload: RequestPayload<E>, options?: RequestOptions): Promise<RequestResult<E>>;
  request<T = unknown>(event: string, payload?: unknown, options?: RequestOptions): Promise<T>;
  /** Shared, reference-counted handle per conversation id. */
  conversation(conversationId: ConversationId): ConversationHandle;
  /**
   * What the client does, record by record (`TraceRecord`), for a devtools
   * panel or a test; `debug: true` logs the same records. Records are made in
   * development builds only (nothing is heard in a production build).
   *
   * @example
   * const stop = client.trace.subscribe((record) => console.log(record.type, record));
   */
  readonly trace: TraceSource;
  // The inbox stores (protocol 1.2) are not fields: `getConversationList(client)`,
  // `getReadReceipts(client)` and `getNotificationInbox(client)` make them on first use.
}

export type { ProtocolError };
