import type {
  Conversation,
  ConversationId,
  ConversationSummary,
  IsoDate,
  Message,
  StoredNotification,
  UserId,
  UserProfile,
} from '../../protocol/index.js';
import type { ProfileClaims } from '../auth/auth.js';

/** A value or a promise of it: the in-memory store answers synchronously, a database asynchronously. */
export type MaybePromise<T> = T | Promise<T>;

/** Input of `SocketkitStore.appendMessage`. */
export interface AppendMessageInput {
  conversationId: ConversationId;
  senderId: UserId;
  content: string;
  clientMessageId: string;
}

/** Result of `appendMessage`: `created: false` when `(conversationId, senderId, clientMessageId)` was stored before. */
export interface AppendMessageResult {
  message: Message;
  created: boolean;
}

/** Input of `SocketkitStore.history` (cursors already validated, `limit` already capped). */
export interface HistoryQuery {
  conversationId: ConversationId;
  afterSeq?: number;
  beforeSeq?: number;
  limit: number;
}

/** A page of history in ascending `seq`. */
export interface HistoryPage {
  messages: Message[];
  hasMore: boolean;
}

/** Input of `SocketkitStore.createConversation`; `participantIds` already include the creator. */
export interface CreateConversationInput {
  participantIds: UserId[];
  title: string | null;
  createdBy: UserId;
}

/** Where a page of `listConversationSummaries` continues: after this item of the order (`lastActivityAt` desc, `id` asc). */
export interface ConversationListPosition {
  lastActivityAt: IsoDate;
  id: ConversationId;
}

/** Input of `SocketkitStore.listConversationSummaries` (`limit` already validated, 1–200). */
export interface ConversationListQuery {
  userId: UserId;
  limit: number;
  after?: ConversationListPosition;
}

/** A page of the user's conversations, newest activity first, then `id` ascending. */
export interface ConversationSummaryPage {
  conversations: ConversationSummary[];
  hasMore: boolean;
}

/** Input of `SocketkitStore.markRead`: move `userId`'s cursor to `seq` (clamped to the conversation's last seq), never back. */
export interface MarkReadInput {
  conversationId: ConversationId;
  userId: UserId;
  /** A non-negative integer. */
  seq: number;
}

/** A participant's read state after `markRead`; `moved` when this call advanced the cursor. */
export interface ReadCursor {
  lastReadSeq: number;
  lastSeq: number;
  moved: boolean;
}

/** Input of `SocketkitStore.addNotification` (fields already validated). */
export interface NewNotification {
  userId: UserId;
  title: string;
  body: string;
  link?: string;
  data?: unknown;
}

/** Input of `SocketkitStore.listNotifications`; `before` is an opaque position a previous page returned. */
export interface NotificationListQuery {
  userId: UserId;
  limit: number;
  unreadOnly: boolean;
  before?: string;
}

/** A page of a user's notifications, newest first, with the user's total unread count. */
export interface NotificationPage {
  notifications: StoredNotification[];
  unreadCount: number;
  hasMore: boolean;
  /** The position after the last item, for the next page; set when `hasMore`. */
  nextBefore?: string;
}

/** Input of `SocketkitStore.markNotificationsRead`: these ids of the user (others are ignored), or all. */
export type MarkNotificationsReadInput = { userId: UserId } & ({ ids: readonly string[] } | { all: true });

/** What `markNotificationsRead` changed: the ids whose `readAt` it set, and the user's unread count after. */
export interface NotificationsReadResult {
  changedIds: string[];
  unreadCount: number;
}

/**
 * Storage behind the server. Every method may return a promise, so a
 * database can back it; the default `createMemoryStore()` answers
 * synchronously.
 *
 * Contract a custom store must keep:
 * - `appendMessage` assigns `seq` 1, 2, 3, … per conversation with no gaps,
 *   atomically (concurrent senders never share or skip a seq), and is
 *   idempotent on `(conversationId, senderId, clientMessageId)`.
 * - `appendMessage` resolves only once the message is stored as durably as
 *   the store stores anything (the server acknowledges the send then). A
 *   store may append concurrent calls together (the SQL stores do: group
 *   commit), as long as each keeps its own outcome and seq follows the order
 *   of the calls.
 * - `isParticipant` is on every message and typing event's path: keep it cheap.
 *   Participants are fixed when a conversation is created (no operation
 *   changes them), so a store may cache them.
 * - Inbox (protocol 1.2): `markRead` is monotonic under concurrent calls
 *   (the larger seq wins); `listConversationSummaries` answers without
 *   scanning history (`unreadCount = lastSeq − lastReadSeq`, exact because
 *   a sender's cursor moves to every seq they send: in the append itself
 *   when `appendMarksSenderRead`, else by the server's `markRead` after it);
 *   `addNotification` keeps at least the newest
 *   `LIMITS.notificationsKeptPerUser` per user.
 */
export interface SocketkitStore {
  /**
   * The identity of the data behind this store (docs/protocol.md, "On connect"; docs/deploy.md, "Backups"),
   * sent to clients as `storeId` in `connection:established`: stable across
   * restarts of a durable store, new for every in-memory store and after
   * `reset()`, the same on every node of one deployment. Optional: without
   * it the server makes one random id per server instance.
   */
  getStoreId?(): MaybePromise<string>;
  /** A user's profile, or undefined. */
  getUser(userId: UserId): MaybePromise<UserProfile | undefined>;
  /** Every known user (seed users and those who connected). */
  listUsers(): MaybePromise<UserProfile[]>;
  /**
   * Records a profile from token claims on connect: the fields given win
   * over stored ones, absent ones are kept; a new user without `name` is
   * named by its id.
   */
  upsertUser(profile: ProfileClaims): MaybePromise<void>;
  getConversation(conversationId: ConversationId): MaybePromise<Conversation | undefined>;
  /** The conversations `userId` takes part in, newest first. */
  listConversations(userId: UserId): MaybePromise<Conversation[]>;
  /**
   * The ids of the conversations `userId` takes part in, in any order: the
   * rooms a presence change of the user is announced to, on every connect
   * and disconnect. Optional: without it the server takes the ids from
   * `listConversations`. The SQL stores answer the calls of one moment with
   * one query (with the profile upserts of the moment).
   */
  listConversationIds?(userId: UserId): MaybePromise<ConversationId[]>;
  /**
   * Every participant of every conversation `userId` takes part in (so
   * `userId` itself when it has one), each once, in any order: whose
   * presence the user may see under the default presence policy, asked on
   * every connect that names watches and on `presence:list`. Optional:
   * without it the server collects them from `listConversations`. The SQL
   * stores look the conversation ids up as `listConversationIds` does and
   * take the participants from their conversation cache.
   */
  listContacts?(userId: UserId): MaybePromise<UserId[]>;
  createConversation(input: CreateConversationInput): MaybePromise<Conversation>;
  /** `true` participant, `false` not one, `undefined` no such conversation. */
  isParticipant(conversationId: ConversationId, userId: UserId): MaybePromise<boolean | undefined>;
  /** Seq of the newest message, 0 when there is none. */
  lastSeq(conversationId: ConversationId): MaybePromise<number>;
  appendMessage(input: AppendMessageInput): MaybePromise<AppendMessageResult>;
  /**
   * `true` when `appendMessage` also moves the sender's read cursor to the
   * message's seq (never back) in the same atomic step as the append, for a
   * repeat too: what I wrote, I have read. The server then makes no
   * `markRead` call after a send. Optional: without it the server calls
   * `markRead` after every append (a crash between the two leaves the
   * sender's own message counted as unread).
   */
  readonly appendMarksSenderRead?: boolean;
  history(query: HistoryQuery): MaybePromise<HistoryPage>;
  /** One page of `userId`'s conversations with their read state (docs/protocol.md, "Conversation list"). */
  listConversationSummaries(query: ConversationListQuery): MaybePromise<ConversationSummaryPage>;
  /**
   * Moves a participant's read cursor to `min(seq, lastSeq)` when that is
   * ahead of it; answers the state either way. `undefined` when the user is
   * not a participant (or there is no such conversation).
   */
  markRead(input: MarkReadInput): MaybePromise<ReadCursor | undefined>;
  /** Stores a notification (`readAt: null`), dropping the user's oldest beyond the newest `LIMITS.notificationsKeptPerUser`. */
  addNotification(input: NewNotification): MaybePromise<StoredNotification>;
  listNotifications(query: NotificationListQuery): MaybePromise<NotificationPage>;
  /** Sets `readAt` once on the user's unread notifications named (or all of them). */
  markNotificationsRead(input: MarkNotificationsReadInput): MaybePromise<NotificationsReadResult>;
  /** Back to the seed (development endpoint `POST /dev/reset`). Optional. */
  reset?(): MaybePromise<void>;
}
