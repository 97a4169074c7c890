import type { Server } from 'socket.io';
import type {
  Conversation,
  ConversationId,
  ConversationListPayload,
  ConversationListResult,
  ConversationReadPayload,
  ConversationReadResult,
  NotificationListPayload,
  NotificationListResult,
  NotificationReadPayload,
  NotificationReadResult,
  NotificationResponse,
  NotifyRequest,
  OnlineUser,
  PresenceState,
  UserId,
} from '../protocol/index.js';
import type { JwtOptions } from './auth/auth.js';
import type { SocketkitCluster } from './presence/cluster.js';
import type { SocketkitLogger } from './logger.js';
import type { RateLimitOptions } from './socket/rate-limit.js';
import type { NewConversation } from './operations/operations.js';
import type { AppendMessageInput, AppendMessageResult, SocketkitStore } from './store/store.js';
import type { CanSeePresence } from './presence/visibility.js';

/** Options of `createSocketkitServer`. Every field has a default. */
export interface SocketkitServerOptions {
  /**
   * JWT secret, or a function read once at start. Default env `JWT_SECRET`;
   * without either, `createSocketkitServer` throws, whatever `NODE_ENV` says
   * (a development secret only when asked for: `secret: resolveJwtSecret()`).
   */
  secret?: (string | (() => string)) | undefined;
  /** Algorithms (default HS256, `none` never), issuer, audience, handshake clock tolerance (default 5 s). */
  jwt?: JwtOptions | undefined;
  /** Storage. Default: an empty `createMemoryStore()`. */
  store?: SocketkitStore | undefined;
  /** How long a user whose last socket left still counts as online (absorbs reloads). Default 2000 ms. */
  presenceGraceMs?: number | undefined;
  /**
   * Window (ms) over which the presence changes owed to one socket of
   * protocol v1.1 are coalesced into one `presence:changes` packet. Default
   * 50; 0 sends v1.1 sockets `user:online`/`user:offline` like v1 ones.
   * Single node only: a cluster sends v1 events to every socket.
   */
  presenceBatchMs?: number | undefined;
  /** Per-socket token bucket. Default `{ burst: 30, perSecond: 10 }`; `false` turns it off. */
  rateLimit?: RateLimitOptions | false | undefined;
  /** Typing expiry. Default 5000 ms (`LIMITS.typingTimeoutMs`). */
  typingTimeoutMs?: number | undefined;
  /** Operator log lines. Default `console`; `quiet: true` silences them. */
  logger?: SocketkitLogger | undefined;
  quiet?: boolean | undefined;
  /**
   * Trace lines on `logger.debug` (when the logger has one): each request
   * with its ack and round trip in ms, or its refusal's code, with `userId`,
   * `socketId` and `event` as fields. Default false: no line and no cost.
   * `socketkit-server --log-level debug` turns it on.
   */
  debug?: boolean;
  /**
   * Only when socketkit creates the Socket.IO server (target is an `http.Server`):
   * allowed CORS origins. Default env `CLIENT_URL` (comma separated), else the
   * Vite (5173) and Storybook (6006) dev origins.
   */
  clientUrl?: string | string[] | undefined;
  /**
   * Only when socketkit creates the Socket.IO server: decides CORS instead of
   * `clientUrl` (see `createOriginPolicy`). Default: the `clientUrl` list,
   * strict, each refused origin logged once.
   */
  allowOrigin?: ((origin: string) => boolean) | undefined;
  /** Socket.IO heartbeat. Defaults 25000 / 60000 (only when socketkit creates the server). */
  pingIntervalMs?: number | undefined;
  pingTimeoutMs?: number | undefined;
  /**
   * Socket.IO connection state recovery (only when socketkit creates the
   * server, with `skipMiddlewares: false`). Default off, on with a `cluster`:
   * the protocol's own catch-up (`conversation:history` with `afterSeq`)
   * already covers missed messages on one node. A recovered socket is
   * authenticated again either way (in the connection handler when a
   * `Server` of yours skips middlewares).
   */
  connectionStateRecovery?: boolean | undefined;
  /**
   * Several nodes: the adapter and shared presence from `createRedisCluster()`
   * (`socketkit/server/redis`). Turns connection state recovery on unless
   * `connectionStateRecovery: false`. Needs a store every node shares.
   */
  cluster?: SocketkitCluster | undefined;
  /** Socket.IO path. Default `/socket.io`. */
  path?: string | undefined;
  /**
   * Bound of each socket's outbound buffer, bytes (default 1 MiB,
   * `DEFAULT_MAX_OUTBOUND_BUFFER_BYTES`): a client that stops reading is
   * disconnected past it instead of growing the server's memory; it
   * reconnects and catches up by `seq`. `Infinity` turns it off.
   */
  maxOutboundBufferBytes?: number | undefined;
  /** Sockets one user may hold at once on this node (docs/security.md). Default 32; more are refused in the handshake (`RATE_LIMITED`). */
  maxSocketsPerUser?: number | undefined;
  /** Users one user may watch through `presence:subscribe`, over all their sockets. Default 20,000 (a socket: 10,000). */
  maxWatchesPerUser?: number | undefined;
  /** Requests of one user being answered at once. Default 64; more are answered `RATE_LIMITED`. */
  maxPendingRequestsPerUser?: number | undefined;
  /** `conversation:create` per user: token bucket. Default `{ burst: 20, perSecond: 60 / 3600 }` (60 an hour); `false` unlimited. */
  conversationCreateLimit?: (RateLimitOptions | false) | undefined;
  /**
   * Whose presence a user may see (presence:subscribe, handshake watches,
   * presence:list). Default: themselves and the users they share a
   * conversation with. Conversation rooms carry `user:online`/`user:offline`
   * to their participants whatever this says.
   */
  canSeePresence?: CanSeePresence | undefined;
  /**
   * Longest token lifetime accepted, seconds: a token must carry `exp`, at
   * most this long after its `iat` (or after now without `iat`). Default
   * 86,400 (24 h); `Infinity` also accepts tokens without `exp`.
   */
  maxTokenLifetimeS?: number | undefined;
  /** Only when socketkit creates the Socket.IO server: how long a new session may take to send its token (Socket.IO `connectTimeout`). Default 10,000 ms. */
  connectTimeoutMs?: number | undefined;
  /** Only when socketkit creates the Socket.IO server: transport sessions without a connected socket at once; more are refused. Default 5,000. */
  maxPendingSessions?: number | undefined;
  /** Only when socketkit creates the Socket.IO server: of those, from one remote address. Default 256 (behind a proxy every client has its address: raise it). */
  maxPendingSessionsPerAddress?: number | undefined;
}

/** Options of `broadcastToConversation`. */
export interface BroadcastOptions {
  /** A socket that should not receive it (usually the sender's). */
  exceptSocketId?: string | undefined;
  /** A user none of whose sockets (tabs, devices) should receive it: the seed's "exclude this user". */
  exceptUserId?: UserId | number | undefined;
}

/** A page of `listOnlineUsers`: in `userId` order; `nextCursor` (the last id) is set when `hasMore`. */
export interface OnlineUsersPage {
  users: OnlineUser[];
  hasMore: boolean;
  nextCursor?: string;
}

/** Options of `emitToConversation`. */
export interface ConversationEmitOptions {
  /** Every socket of this user is left out (usually the user who caused the event). */
  exceptUserId?: UserId | undefined;
}

/** A running socketkit server: the Socket.IO server plus the helpers the app needs. */
export interface SocketkitServer {
  io: Server;
  store: SocketkitStore;
  /**
   * Users with at least one socket (or inside the grace period). With a
   * cluster: every node's, read from this node's replica of the shared
   * presence (current within a Redis round trip).
   */
  getActiveUserIds(): UserId[];
  isUserOnline(userId: UserId | number): boolean;
  /**
   * Emits to every socket of a user (room `user:<id>`), e.g. `notification:new`. Returns how many sockets it reached.
   * The seed's `sendToUser(io, userId, event, data)` shape is accepted too. Throws a TypeError for an id that is not a string or number.
   */
  sendToUser(userId: UserId | number, event: string, data: unknown): number;
  /**
   * Emits to the conversation's room, except `options.exceptSocketId` / `options.exceptUserId`
   * (a bare user id as 4th argument means `exceptUserId`, as the seed's "exclude this user").
   * The seed's `broadcastToConversation(io, conversationId, event, data, excludeUserId)` shape is accepted too.
   */
  broadcastToConversation(
    conversationId: ConversationId,
    event: string,
    data: unknown,
    options?: BroadcastOptions | UserId | number,
  ): void;
  /**
   * Creates a conversation; `createdBy` is always a participant. Checks its
   * input as `conversation:create` does: rejects `BAD_REQUEST` (wrong shape,
   * empty id) or `PAYLOAD_TOO_LARGE` (over 1,000 participants, an id over
   * 128 characters, a title over 200).
   *
   * This and the five methods below are the server API's operations
   * (docs/deploy.md, "The server API, for your backend") for an app that embeds socketkit;
   * `socketkit-server --api-key` serves the same over HTTP. Each rejects
   * with `RequestError` (`code`, HTTP `status`).
   */
  createConversation(input: NewConversation): Promise<Conversation>;
  /**
   * Stores a message from `senderId` with the next `seq` and sends it as
   * `message:new` to the conversation's room; a repeat of
   * `(conversationId, senderId, clientMessageId)` resolves the stored message
   * with `created: false` and sends nothing. Resolves after the store has it.
   * Checks its input as `message:send` does: rejects `BAD_REQUEST` (wrong
   * shape, empty content or `clientMessageId`), `PAYLOAD_TOO_LARGE` (content
   * over 4,000 characters, an id or `clientMessageId` over 128), then
   * `NOT_FOUND` unknown conversation, `FORBIDDEN` sender not a participant.
   */
  postMessage(input: AppendMessageInput): Promise<AppendMessageResult>;
  /** `{ userId, online, since?, lastSeen? }`; a user never seen is `online: false`. */
  getUserPresence(userId: UserId): Promise<PresenceState>;
  /** One page of online users after `cursor` (a previous page's `nextCursor`); `limit` default and maximum 1,000. */
  listOnlineUsers(query?: { cursor?: string; limit?: number }): Promise<OnlineUsersPage>;
  /** `sendToUser` for a backend: `BAD_REQUEST` for a reserved or malformed event name (see `RESERVED_EVENTS`). */
  emitToUser(userId: UserId, event: string, data: unknown): Promise<void>;
  /** Emits to the conversation's room. `NOT_FOUND` unknown conversation, `BAD_REQUEST` reserved or malformed event name. */
  emitToConversation(conversationId: ConversationId, event: string, data: unknown, options?: ConversationEmitOptions): Promise<void>;
  /**
   * Disconnects every socket of `userId` (every node of a cluster); resolves
   * how many. A client may come back with a token it still holds: stop
   * issuing tokens to the user too, and keep lifetimes short
   * (`maxTokenLifetimeS`). Server API: `POST /server/users/:userId/disconnect`.
   */
  disconnectUser(userId: UserId): Promise<number>;
  /**
   * Protocol 1.2: stores a notification for `userId` (`readAt: null`),
   * then sends it as `notification:new` to every socket of the user, on
   * every node. Resolves `{ notification, delivered }` (`delivered`: sockets
   * reached on this node, `null` with a cluster). Rejects `BAD_REQUEST`
   * (missing, empty or wrongly typed field) or `PAYLOAD_TOO_LARGE` (`title`
   * over 200 characters, `body` over 2,000, `link` over 2,048, `data` over
   * 8,192 bytes of JSON).
   *
   * @example
   * await socketkit.notify('alice', { title: 'Review requested', body: 'PR #42', link: '/prs/42' });
   */
  notify(userId: UserId, input: NotifyRequest): Promise<NotificationResponse>;
  /** Protocol 1.2: a page of `userId`'s conversations with read state, as `conversation:list` answers it (`BAD_REQUEST` for a bad limit or cursor). */
  listConversations(userId: UserId, query?: ConversationListPayload): Promise<ConversationListResult>;
  /**
   * Protocol 1.2: `conversation:read` for `userId`: moves the read cursor
   * (monotonic, clamped) and, when it moved, sends `conversation:read-state`
   * and `receipt:read` as the socket request does. `BAD_REQUEST`, `NOT_FOUND`, `FORBIDDEN`.
   */
  readConversation(userId: UserId, input: ConversationReadPayload): Promise<ConversationReadResult>;
  /** Protocol 1.2: a page of `userId`'s notifications, newest first, with the unread count, as `notification:list`. */
  listNotifications(userId: UserId, query?: NotificationListPayload): Promise<NotificationListResult>;
  /** Protocol 1.2: `notification:read` for `userId` (ids, or `{ all: true }`), with `notification:read-state` to every socket of the user when something changed. */
  readNotifications(userId: UserId, input: NotificationReadPayload): Promise<NotificationReadResult>;
  /** Stops timers and disconnects sockets; closes Socket.IO (and its http server) when socketkit created it. */
  close(): Promise<void>;
}
