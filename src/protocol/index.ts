/**
 * socketkit wire protocol, version 1.
 *
 * The one source of truth for event names, payloads, acknowledgements, error
 * codes and limits, imported by the client (`socketkit`), the server
 * (`socketkit/server`) and the bundled mock server. `docs/protocol.md` is the
 * prose version of this file; keep them in step.
 *
 * Everything here is types and constants: importing it costs no runtime code
 * beyond a few numbers and strings.
 */

/** Protocol version spoken by this package (major). */
export const PROTOCOL_VERSION = 1;
/**
 * Minor version: what a client announces in the handshake as
 * `auth: { token, protocol: '1.2' }` (`${PROTOCOL_VERSION}.${PROTOCOL_MINOR_VERSION}`).
 * A server that knows v1.1 or newer then batches presence into
 * `presence:changes`; a v1 server ignores the field and sends `user:online` /
 * `user:offline`. v1.2 adds the inbox (conversation list, read state,
 * stored notifications): new requests and new events only, which a server
 * sends to every socket (a client ignores events it does not know).
 */
export const PROTOCOL_MINOR_VERSION = 2;

// ---------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------

// The limits the client needs, also as plain constants: a bundler inlines
// these, while a property of `LIMITS` brings the whole object along.
/** `LIMITS.maxContentLength`. */
export const MAX_CONTENT_LENGTH = 4000;
/** `LIMITS.historyDefaultLimit`. */
export const HISTORY_DEFAULT_LIMIT = 50;
/** `LIMITS.historyMaxLimit`. */
export const HISTORY_MAX_LIMIT = 200;
/** `LIMITS.maxPresenceIds`. */
export const MAX_PRESENCE_IDS = 1000;
/** `LIMITS.typingTimeoutMs`. */
export const TYPING_TIMEOUT_MS = 5000;
/** `LIMITS.maxIdLength`. */
export const MAX_ID_LENGTH = 128;
/** `LIMITS.inboxDefaultLimit`: default page of `conversation:list` and `notification:list`. */
export const INBOX_DEFAULT_LIMIT = 50;
/** `LIMITS.inboxMaxLimit`: largest page of `conversation:list` and `notification:list`. */
export const INBOX_MAX_LIMIT = 200;

/**
 * Event names Socket.IO keeps for itself on a socket: the client throws when
 * one is emitted (`"disconnect" is a reserved event name`), and neither side
 * may use them for the protocol. Source: `RESERVED_EVENTS` in socket.io-client's
 * and socket.io's `lib/socket.ts`.
 */
export const SOCKET_IO_RESERVED_EVENTS: readonly string[] = ['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener'];

// eslint-disable-next-line no-control-regex -- NUL is what it looks for
const UNSTORABLE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text every store keeps exactly: no NUL character (PostgreSQL's `text`
 * refuses it) and no lone surrogate (UTF-8 cannot encode one: PostgreSQL and
 * the embedded store would keep U+FFFD instead, so an id would stop matching
 * itself). Every other string, emoji and control characters included, is
 * kept as sent. The server refuses the rest with `BAD_REQUEST`.
 */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE_TEXT.test(text);
}

/** Limits shared by client and server. The server enforces them; the client checks early. */
export const LIMITS = {
  /** Longest message `content`, in UTF-16 code units (`string.length`). */
  maxContentLength: MAX_CONTENT_LENGTH,
  /** Longest `clientMessageId`. */
  maxClientMessageIdLength: 128,
  /** Default and largest page of `conversation:history`. */
  historyDefaultLimit: HISTORY_DEFAULT_LIMIT,
  historyMaxLimit: HISTORY_MAX_LIMIT,
  /** Most user ids in one `presence:subscribe` / `presence:unsubscribe`, and page size of `presence:list`. */
  maxPresenceIds: MAX_PRESENCE_IDS,
  /** Most participants in `conversation:create`. */
  maxParticipants: 1000,
  /** Longest conversation title. */
  maxTitleLength: 200,
  /** Longest id (user or conversation) accepted on the wire. */
  maxIdLength: MAX_ID_LENGTH,
  /** The server ends a typing state after this long without a new `typing:start`. */
  typingTimeoutMs: TYPING_TIMEOUT_MS,
  /** Largest Socket.IO packet the server accepts (`maxHttpBufferSize`). */
  maxPayloadBytes: 1_000_000,
  /** Default and largest page of `conversation:list` / `notification:list` (1.2); a `limit` outside 1–200 is `BAD_REQUEST`. */
  inboxDefaultLimit: INBOX_DEFAULT_LIMIT,
  inboxMaxLimit: INBOX_MAX_LIMIT,
  /** Longest notification `title` (1.2), in characters; over it `PAYLOAD_TOO_LARGE`, empty `BAD_REQUEST`. */
  maxNotificationTitleLength: 200,
  /** Longest notification `body` (1.2), in characters. */
  maxNotificationBodyLength: 2000,
  /** Largest notification `data` (1.2), in bytes of its JSON. */
  maxNotificationDataBytes: 8192,
  /** Longest notification `link` (1.2), in characters. */
  maxNotificationLinkLength: 2048,
  /** Most ids in one `notification:read` (1.2). */
  maxNotificationReadIds: 1000,
  /** The server keeps at least this many newest notifications per user (1.2). */
  notificationsKeptPerUser: 1000,
} as const;

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/** Codes of a failed request (`{ ok: false, error: { code } }`). */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'INTERNAL';

/** Codes carried by `connect_error.data.code` when the handshake is refused. */
export type AuthErrorCode = 'TOKEN_MISSING' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED';

export const ERROR_CODES: readonly ErrorCode[] = [
  'BAD_REQUEST',
  'FORBIDDEN',
  'NOT_FOUND',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'INTERNAL',
];

export const AUTH_ERROR_CODES: readonly AuthErrorCode[] = ['TOKEN_MISSING', 'TOKEN_INVALID', 'TOKEN_EXPIRED'];

/** The prefix of every `connect_error.message` for a refused handshake. */
export const AUTH_ERROR_PREFIX = 'Authentication error';

/** Error body of a failed request. `retryAfterMs` is set for `RATE_LIMITED`. */
export interface ProtocolError {
  code: ErrorCode;
  message: string;
  retryAfterMs?: number;
}

/** `connect_error.data` of a refused handshake. */
export interface AuthErrorData {
  code: AuthErrorCode;
}

/** A successful acknowledgement: `{ ok: true, ...result }`. */
export type AckOk<T extends object = object> = { ok: true } & T;
/** A failed acknowledgement. */
export interface AckError {
  ok: false;
  error: ProtocolError;
}
/** Every acknowledgement is exactly one of these. */
export type Ack<T extends object = object> = AckOk<T> | AckError;

/** Sent to a socket whose fire-and-forget event (no ack callback) failed. */
export interface ConnectionErrorPayload {
  code: ErrorCode;
  message: string;
  /** The event that failed. */
  event: string;
  retryAfterMs?: number;
}

// ---------------------------------------------------------------------------
// Entities
// ---------------------------------------------------------------------------

/** A user id. Always a string on the wire: a numeric claim `6` becomes `"6"`. */
export type UserId = string;
/** A conversation id. Always a string. */
export type ConversationId = string;
/** An ISO 8601 timestamp, e.g. `2026-11-26T10:00:00.000Z`. */
export type IsoDate = string;

/** A stored chat message. */
export interface Message {
  id: string;
  /** 1, 2, 3, … per conversation with no gaps: a client that sees a jump knows it missed one. */
  seq: number;
  conversationId: ConversationId;
  /** Taken from the authenticated socket, never from the payload. */
  senderId: UserId;
  content: string;
  createdAt: IsoDate;
  /** Made by the sending client; the same id sent again returns the stored message. */
  clientMessageId: string;
}

export interface Conversation {
  id: ConversationId;
  title: string | null;
  participantIds: UserId[];
  createdAt: IsoDate;
}

/** One user's presence as answered by `presence:subscribe`. */
export interface PresenceState {
  userId: UserId;
  online: boolean;
  /** When the user came online (set when `online`). */
  since?: IsoDate;
  /** When the user's last socket went away (set when offline and seen since the server started). */
  lastSeen?: IsoDate;
}

/** An entry of `presence:list`. */
export interface OnlineUser {
  userId: UserId;
  since: IsoDate;
}

/** A notification as protocol v1 sent it in `notification:new`. */
export interface Notification {
  id: string;
  title: string;
  body: string;
  link?: string;
  createdAt: IsoDate;
}

/**
 * Protocol 1.2: a notification stored per user before it is delivered; the
 * payload of `notification:new` and an entry of `notification:list`.
 * A superset of `Notification`, so v1 clients read it unchanged.
 */
export interface StoredNotification extends Notification {
  /** Any JSON the sender attached, at most 8,192 bytes of JSON. */
  data?: unknown;
  /** When the user marked it read; `null` while unread. Set once. */
  readAt: IsoDate | null;
}

/**
 * Protocol 1.2: one of the caller's conversations as `conversation:list`
 * and `GET /api/conversations` answer it, with the caller's read state.
 */
export interface ConversationSummary extends Conversation {
  /** The newest message; absent when there is none. */
  lastMessage?: Message;
  /** `seq` of the newest message, 0 when there is none. */
  lastSeq: number;
  /** The caller's read cursor: every message up to this `seq` is read (0 before anything was read). */
  lastReadSeq: number;
  /** Messages with `seq > lastReadSeq` not sent by the caller. */
  unreadCount: number;
  /** `lastMessage.createdAt`, else `createdAt`: the list's sort key (newest first, then `id` ascending). */
  lastActivityAt: IsoDate;
}

/** A user's public profile, from token claims or the seed. */
export interface UserProfile {
  id: UserId;
  name: string;
  email?: string;
  avatarUrl?: string;
}

// ---------------------------------------------------------------------------
// Client → server payloads and results
// ---------------------------------------------------------------------------

export interface PresenceSubscribePayload {
  userIds: UserId[];
}
export interface PresenceSubscribeResult {
  users: PresenceState[];
  /**
   * Elements of `userIds` that are not user ids (empty, not a string or
   * number, too long), each with why; absent when every id was valid. They
   * are skipped: the valid ids of the same request are subscribed.
   */
  invalid?: InvalidUserId[];
}
/** An element of a request's id list that was skipped. */
export interface InvalidUserId {
  /** Its position in the list sent. */
  index: number;
  /** Its JSON type: `string`, `number`, `boolean`, `null`, `array` or `object`. */
  type: string;
  /**
   * The element when it is a scalar (a string cut to 128 characters); absent
   * for an array or object, which is never echoed back (its size and depth
   * are the sender's choice).
   */
  userId?: string | number | boolean | null;
  message: string;
}
export type PresenceUnsubscribePayload = PresenceSubscribePayload;
export interface PresenceListPayload {
  /** Opaque cursor from a previous page (the last `userId` seen). */
  cursor?: string;
  limit?: number;
}
export interface PresenceListResult {
  users: OnlineUser[];
  hasMore: boolean;
}

export interface ConversationCreatePayload {
  participantIds: UserId[];
  title?: string;
}
export interface ConversationCreateResult {
  conversation: Conversation;
}
/** `conversation:join` takes the bare conversation id. */
export type ConversationJoinPayload = ConversationId;
export interface ConversationJoinResult {
  conversationId: ConversationId;
  room: string;
  participantIds: UserId[];
  /** The seq of the newest stored message, 0 when there is none. */
  lastSeq: number;
}
export type ConversationLeavePayload = ConversationId;

export interface MessageSendPayload {
  conversationId: ConversationId;
  content: string;
  clientMessageId: string;
}
export interface MessageSendResult {
  message: Message;
}

export interface HistoryPayload {
  conversationId: ConversationId;
  /** Messages with `seq > afterSeq`, oldest first: catch-up after a reconnect. */
  afterSeq?: number;
  /** Messages with `seq < beforeSeq`, the newest such page: scrolling back. */
  beforeSeq?: number;
  /** Default 50, capped at 200. */
  limit?: number;
}
export interface HistoryResult {
  /** Ascending `seq`. */
  messages: Message[];
  hasMore: boolean;
}

export interface TypingPayload {
  conversationId: ConversationId;
}

/** Protocol 1.2: `conversation:list`. `cursor` is opaque (a previous page's `nextCursor`); `limit` an integer 1–200, default 50. */
export interface ConversationListPayload {
  cursor?: string;
  limit?: number;
}
export interface ConversationListResult {
  /** Newest activity first, then `id` ascending. */
  conversations: ConversationSummary[];
  hasMore: boolean;
  /** Continues after the last item of this page; set when `hasMore`. */
  nextCursor?: string;
}

/** Protocol 1.2: `conversation:read`: every message up to `seq` is read (monotonic; clamped to the conversation's `lastSeq`). */
export interface ConversationReadPayload {
  conversationId: ConversationId;
  /** A non-negative integer. */
  seq: number;
}
/** The `conversation:read` answer: the caller's read state after the request (also when nothing moved). */
export interface ConversationReadResult {
  conversationId: ConversationId;
  lastReadSeq: number;
  unreadCount: number;
}

/** Protocol 1.2: `notification:list`. `limit` an integer 1–200, default 50. */
export interface NotificationListPayload {
  cursor?: string;
  limit?: number;
  /** Only notifications with `readAt: null`. */
  unreadOnly?: boolean;
}
export interface NotificationListResult {
  /** Newest first. */
  notifications: StoredNotification[];
  /** All of the user's unread notifications, not just this page. */
  unreadCount: number;
  hasMore: boolean;
  nextCursor?: string;
}

/** Protocol 1.2: `notification:read`: these ids (others' ids are ignored), or all of the user's. */
export type NotificationReadPayload = { ids: string[] } | { all: true };
export interface NotificationReadResult {
  /** The user's unread notifications after the request. */
  unreadCount: number;
}

// ---------------------------------------------------------------------------
// Server → client payloads
// ---------------------------------------------------------------------------

export interface ConnectionEstablishedPayload {
  userId: UserId;
  socketId: string;
  serverTime: IsoDate;
  /**
   * Identity of the store behind the server (docs/protocol.md, "On connect"; docs/deploy.md, "Backups"):
   * stable across restarts of a durable store, new for every in-memory store,
   * the same on every node of one deployment. A client that sees another
   * `storeId` than the one it synced with must not trust its `seq` cursors.
   * Absent from servers older than socketkit 0.2.
   */
  storeId?: string;
  /**
   * Protocol v1.1: the answer to the `presence:subscribe` the client made in
   * its handshake (`auth.presence`, docs/protocol.md "Watches in the
   * handshake"), exactly the ack that request would have had. Absent when
   * the handshake named no users, for v1 clients, and from v1 servers.
   */
  presence?: Ack<PresenceSubscribeResult>;
}
export interface UserOnlinePayload {
  userId: UserId;
  at: IsoDate;
}
export interface UserOfflinePayload {
  userId: UserId;
  lastSeen: IsoDate;
}
/**
 * One presence change in a `presence:changes` batch (protocol v1.1): the
 * `user:online` / `user:offline` payload with `online` telling which.
 */
export type PresenceChange = ({ online: true } & UserOnlinePayload) | ({ online: false } & UserOfflinePayload);
/**
 * `presence:changes` (protocol v1.1, sent only to sockets whose handshake
 * `auth.protocol` is `'1.1'` or newer): the presence changes one socket is
 * owed, coalesced over a short window, in order, at most one per user (the latest).
 */
export interface PresenceChangesPayload {
  changes: PresenceChange[];
}
export interface UserTypingPayload {
  conversationId: ConversationId;
  userId: UserId;
  isTyping: boolean;
}
export interface AuthExpiredPayload {
  /** When the token expired. */
  at: IsoDate;
}

/** Protocol 1.2: `conversation:read-state`, to every socket of the reader when their cursor moved. */
export type ConversationReadStatePayload = ConversationReadResult;
/** Protocol 1.2: `receipt:read`, to the conversation's room except the reader's sockets. */
export interface ReadReceiptPayload {
  conversationId: ConversationId;
  userId: UserId;
  seq: number;
}
/**
 * Protocol 1.2: `conversation:updated`, a new message for every socket of a
 * participant that is not joined to the conversation (joined sockets get
 * `message:new`).
 */
export interface ConversationUpdatedPayload {
  conversationId: ConversationId;
  lastMessage: Message;
  lastSeq: number;
}
/**
 * Protocol 1.2: `notification:read-state`, to every socket of the user when
 * `notification:read` changed something: the ids that changed, or `all: true`.
 */
export type NotificationReadStatePayload = ({ ids: string[] } | { all: true }) & { unreadCount: number };

// ---------------------------------------------------------------------------
// Event maps (usable as Socket.IO's typed-event generics)
// ---------------------------------------------------------------------------

/** Ack callback type. */
export type AckCallback<T extends object = object> = (ack: Ack<T>) => void;

/** Requests a client may send: event name → [payload, result]. */
export interface RequestMap {
  'presence:subscribe': [PresenceSubscribePayload, PresenceSubscribeResult];
  'presence:unsubscribe': [PresenceUnsubscribePayload, object];
  'presence:list': [PresenceListPayload | undefined, PresenceListResult];
  'conversation:create': [ConversationCreatePayload, ConversationCreateResult];
  'conversation:join': [ConversationJoinPayload, ConversationJoinResult];
  'conversation:leave': [ConversationLeavePayload, object];
  'message:send': [MessageSendPayload, MessageSendResult];
  'conversation:history': [HistoryPayload, HistoryResult];
  'typing:start': [TypingPayload, object];
  'typing:stop': [TypingPayload, object];
  'conversation:list': [ConversationListPayload | undefined, ConversationListResult];
  'conversation:read': [ConversationReadPayload, ConversationReadResult];
  'notification:list': [NotificationListPayload | undefined, NotificationListResult];
  'notification:read': [NotificationReadPayload, NotificationReadResult];
}
export type RequestEvent = keyof RequestMap;
export type RequestPayload<E extends RequestEvent> = RequestMap[E][0];
export type RequestResult<E extends RequestEvent> = RequestMap[E][1];

/** Events the server sends: event name → payload. */
export interface ServerEventMap {
  'connection:established': ConnectionEstablishedPayload;
  'connection:error': ConnectionErrorPayload;
  'auth:expired': AuthExpiredPayload;
  'user:online': UserOnlinePayload;
  'user:offline': UserOfflinePayload;
  /** Protocol v1.1 only (negotiated in the handshake): several presence changes in one packet. */
  'presence:changes': PresenceChangesPayload;
  'user:typing': UserTypingPayload;
  'message:new': Message;
  /** Protocol 1.2: stored first; v1 clients read the `Notification` fields. */
  'notification:new': StoredNotification;
  'conversation:read-state': ConversationReadStatePayload;
  'receipt:read': ReadReceiptPayload;
  'conversation:updated': ConversationUpdatedPayload;
  'notification:read-state': NotificationReadStatePayload;
}
export type ServerEvent = keyof ServerEventMap;

/** Socket.IO `ClientToServerEvents` for `Server<ClientToServerEvents, ServerToClientEvents>`. */
export type ClientToServerEvents = {
  [E in RequestEvent]: (payload: RequestPayload<E>, ack?: AckCallback<RequestResult<E>>) => void;
};
/** Socket.IO `ServerToClientEvents`. */
export type ServerToClientEvents = {
  [E in ServerEvent]: (payload: ServerEventMap[E]) => void;
};

// ---------------------------------------------------------------------------
// Rooms
// ---------------------------------------------------------------------------

/** Room of every socket of one user. */
export const userRoom = (userId: UserId): string => `user:${userId}`;
/** Room of a conversation. */
export const conversationRoom = (conversationId: ConversationId): string => `conversation:${conversationId}`;

// ---------------------------------------------------------------------------
// HTTP API of the bundled server
// ---------------------------------------------------------------------------

export interface HealthResponse {
  ok: true;
  connections: number;
  uptimeS: number;
}
export interface DevTokenRequest {
  /** A number is accepted and turned into a string. */
  userId: UserId | number;
  name?: string;
  email?: string;
  avatarUrl?: string;
  /** Token lifetime in seconds (development endpoint only). */
  expiresInS?: number;
}
export interface DevTokenResponse {
  token: string;
}
export interface HttpErrorBody {
  error: { code: ErrorCode | 'UNAUTHORIZED'; message: string };
}

/** An entry of `GET /api/users`. */
export interface ApiUser extends UserProfile {
  online: boolean;
}
/** `GET /api/users`. */
export interface UsersResponse {
  users: ApiUser[];
}
/**
 * `GET /api/conversations?cursor&limit` (1.2: paged summaries, as
 * `conversation:list`; the mock server's earlier unpaged list is its first page).
 */
export type ConversationsResponse = ConversationListResult;
/** `POST /api/conversations` body (answer: 201 `ConversationCreateResult`). */
export type CreateConversationRequest = ConversationCreatePayload;
/** `GET /api/conversations/:id/messages` answer. */
export type MessagesResponse = HistoryResult;
/** `POST /api/notifications` body (mock server only). */
export interface NotificationRequest {
  userId: UserId;
  title: string;
  body: string;
  link?: string;
  data?: unknown;
}
/**
 * `POST /api/notifications` (mock server) and `POST /server/users/:userId/notifications`
 * answer (201): the stored notification and how many sockets it reached
 * (`null` in a cluster, where other nodes deliver too).
 */
export interface NotificationResponse {
  notification: StoredNotification;
  delivered: number | null;
}
/** `POST /server/users/:userId/notifications` body (1.2). */
export interface NotifyRequest {
  title: string;
  body: string;
  link?: string;
  data?: unknown;
}
/** `GET /api/notifications?cursor&limit&unreadOnly=true` (1.2). */
export type NotificationsResponse = NotificationListResult;
/** `POST /api/conversations/:id/read` body (1.2). */
export interface ReadConversationRequest {
  seq: number;
}
/** `POST /api/conversations/:id/read` answer (1.2). */
export type ReadConversationResponse = ConversationReadResult;
/** `POST /api/notifications/read` body and answer (1.2). */
export type ReadNotificationsRequest = NotificationReadPayload;
export type ReadNotificationsResponse = NotificationReadResult;
