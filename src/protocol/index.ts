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
 * `auth: { token, protocol: '1.1' }` (`${PROTOCOL_VERSION}.${PROTOCOL_MINOR_VERSION}`).
 * A server that knows v1.1 then batches presence into `presence:changes`;
 * a v1 server ignores the field and sends `user:online` / `user:offline`.
 */
export const PROTOCOL_MINOR_VERSION = 1;

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

/** Payload of `notification:new`. */
export interface Notification {
  id: string;
  title: string;
  body: string;
  link?: string;
  createdAt: IsoDate;
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
  'notification:new': Notification;
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
/** `GET /api/conversations`. */
export interface ConversationsResponse {
  conversations: Conversation[];
}
/** `POST /api/conversations` body (answer: 201 `ConversationCreateResult`). */
export type CreateConversationRequest = ConversationCreatePayload;
/** `GET /api/conversations/:id/messages` answer. */
export type MessagesResponse = HistoryResult;
/** `POST /api/notifications` body. */
export interface NotificationRequest {
  userId: UserId;
  title: string;
  body: string;
  link?: string;
}
/** `POST /api/notifications` answer (201): the notification sent and how many sockets it reached. */
export interface NotificationResponse {
  notification: Notification;
  delivered: number;
}
