/**
 * `SocketkitStore` over PostgreSQL's SQL, shared by the PostgreSQL store
 * (node-postgres pool) and the embedded store (PGlite).
 *
 * The database decides `seq` and idempotency, never this process: a message
 * is appended by one call of `socketkit_append_message` (schema.ts), which
 * first locks its conversation row (`SELECT … FOR UPDATE`), then returns the
 * stored message with the same `(conversation_id, sender_id,
 * client_message_id)` if there is one, else inserts `last_seq + 1` and
 * advances `last_seq`, all in the statement's transaction. Concurrent senders on any
 * number of processes queue on the row lock, so a seq is never shared or
 * skipped, and a retry racing its original finds it after the lock. The
 * unique constraint is the backstop.
 */
import { randomUUID } from 'node:crypto';
import type { Conversation, Message, StoredNotification, UserProfile } from '../../protocol/index.js';
import type { ProfileClaims } from '../auth/auth.js';
import type {
  AppendMessageInput,
  AppendMessageResult,
  ConversationListQuery,
  ConversationSummaryPage,
  CreateConversationInput,
  HistoryPage,
  HistoryQuery,
  MarkNotificationsReadInput,
  MarkReadInput,
  NewNotification,
  NotificationListQuery,
  NotificationPage,
  NotificationsReadResult,
  ReadCursor,
  SocketkitStore,
} from '../store/store.js';
import type { SqlDatabase } from './database.js';
import { migrate } from './schema.js';
import { sqlInboxMethods } from './sql-inbox.js';

/** A durable store: the `SocketkitStore` contract, all answers asynchronous, plus health and shutdown. */
export interface SqlStore extends SocketkitStore {
  getStoreId(): Promise<string>;
  getUser(userId: string): Promise<UserProfile | undefined>;
  listUsers(): Promise<UserProfile[]>;
  upsertUser(profile: ProfileClaims): Promise<void>;
  getConversation(conversationId: string): Promise<Conversation | undefined>;
  listConversations(userId: string): Promise<Conversation[]>;
  createConversation(input: CreateConversationInput): Promise<Conversation>;
  isParticipant(conversationId: string, userId: string): Promise<boolean | undefined>;
  lastSeq(conversationId: string): Promise<number>;
  appendMessage(input: AppendMessageInput): Promise<AppendMessageResult>;
  history(query: HistoryQuery): Promise<HistoryPage>;
  listConversationSummaries(query: ConversationListQuery): Promise<ConversationSummaryPage>;
  markRead(input: MarkReadInput): Promise<ReadCursor | undefined>;
  addNotification(input: NewNotification): Promise<StoredNotification>;
  listNotifications(query: NotificationListQuery): Promise<NotificationPage>;
  markNotificationsRead(input: MarkNotificationsReadInput): Promise<NotificationsReadResult>;
  /** Resolves while the database answers (`SELECT 1`), rejects otherwise. */
  ping(): Promise<void>;
  /** Closes what the store opened (the embedded database); a pool you passed stays yours to end. */
  close(): Promise<void>;
}

interface UserRow {
  id: string;
  name: string;
  email: string | null;
  avatar_url: string | null;
}

interface ConversationRow {
  id: string;
  title: string | null;
  created_at: Date | string;
  participant_ids: string[];
}

interface MessageRow {
  id: string;
  seq: unknown;
  conversation_id: string;
  sender_id: string;
  content: string;
  client_message_id: string;
  created_at: Date | string;
}

/**
 * A bigint column as a JS number. node-postgres returns int8 as a string
 * (it may exceed 2^53); a seq never does, and a value that did would be a
 * corrupted database, so it throws instead of rounding.
 */
export function toSafeNumber(value: unknown): number {
  const number = typeof value === 'bigint' ? Number(value) : typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
    throw new Error(`Expected a safe integer from the database, got ${String(value)}`);
  }
  return number;
}

const iso = (value: Date | string): string => (value instanceof Date ? value : new Date(value)).toISOString();

function toUser(row: UserRow): UserProfile {
  const user: UserProfile = { id: row.id, name: row.name };
  if (row.email !== null) user.email = row.email;
  if (row.avatar_url !== null) user.avatarUrl = row.avatar_url;
  return user;
}

function toConversation(row: ConversationRow): Conversation {
  return { id: row.id, title: row.title, participantIds: row.participant_ids, createdAt: iso(row.created_at) };
}

function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    seq: toSafeNumber(row.seq),
    conversationId: row.conversation_id,
    senderId: row.sender_id,
    content: row.content,
    createdAt: iso(row.created_at),
    clientMessageId: row.client_message_id,
  };
}

const MESSAGE_COLUMNS = 'id, seq, conversation_id, sender_id, content, client_message_id, created_at';
const CONVERSATION_SELECT = `
  SELECT c.id, c.title, c.created_at,
         ARRAY(SELECT p.user_id FROM socketkit_participants p
               WHERE p.conversation_id = c.id ORDER BY p.position) AS participant_ids
  FROM socketkit_conversations c`;

/**
 * Migrates the schema (under an advisory lock) and returns the store.
 * Rejects when the database cannot be reached or a migration fails.
 */
export async function createSqlStore(db: SqlDatabase): Promise<SqlStore> {
  await migrate(db);
  const { rows: meta } = await db.query<{ value: string }>(`SELECT value FROM socketkit_meta WHERE key = 'store_id'`);
  const storeId = meta[0]?.value;
  if (!storeId) throw new Error('socketkit_meta has no store_id row: the schema was changed by hand');

  return {
    getStoreId: () => Promise.resolve(storeId),

    async getUser(userId) {
      const { rows } = await db.query<UserRow>('SELECT id, name, email, avatar_url FROM socketkit_users WHERE id = $1', [userId]);
      return rows[0] ? toUser(rows[0]) : undefined;
    },

    async listUsers() {
      const { rows } = await db.query<UserRow>('SELECT id, name, email, avatar_url FROM socketkit_users ORDER BY id');
      return rows.map(toUser);
    },

    async upsertUser(profile) {
      // Given claims win, absent ones keep the stored value; a new user without a name is named by its id.
      await db.query(
        `INSERT INTO socketkit_users (id, name, email, avatar_url) VALUES ($1, COALESCE($2, $1), $3, $4)
         ON CONFLICT (id) DO UPDATE SET
           name = COALESCE($2, socketkit_users.name),
           email = COALESCE($3, socketkit_users.email),
           avatar_url = COALESCE($4, socketkit_users.avatar_url)
         WHERE ($2::text IS NOT NULL AND $2 IS DISTINCT FROM socketkit_users.name)
            OR ($3::text IS NOT NULL AND $3 IS DISTINCT FROM socketkit_users.email)
            OR ($4::text IS NOT NULL AND $4 IS DISTINCT FROM socketkit_users.avatar_url)`,
        [profile.id, profile.name ?? null, profile.email ?? null, profile.avatarUrl ?? null],
      );
    },

    async getConversation(conversationId) {
      const { rows } = await db.query<ConversationRow>(`${CONVERSATION_SELECT} WHERE c.id = $1`, [conversationId]);
      return rows[0] ? toConversation(rows[0]) : undefined;
    },

    async listConversations(userId) {
      const { rows } = await db.query<ConversationRow>(
        `${CONVERSATION_SELECT}
         WHERE c.id IN (SELECT conversation_id FROM socketkit_participants WHERE user_id = $1)
         ORDER BY c.ord DESC`,
        [userId],
      );
      return rows.map(toConversation);
    },

    async createConversation(input) {
      const conversation: Conversation = {
        id: randomUUID(),
        title: input.title,
        participantIds: [...new Set(input.participantIds)],
        createdAt: new Date().toISOString(),
      };
      await db.transaction(async (tx) => {
        await tx.query(
          'INSERT INTO socketkit_conversations (id, title, created_by, created_at) VALUES ($1, $2, $3, $4)',
          [conversation.id, conversation.title, input.createdBy, conversation.createdAt],
        );
        await tx.query(
          `INSERT INTO socketkit_participants (conversation_id, user_id, position)
           SELECT $1, user_id, position::integer - 1 FROM unnest($2::text[]) WITH ORDINALITY AS p (user_id, position)`,
          [conversation.id, conversation.participantIds],
        );
      });
      return conversation;
    },

    async isParticipant(conversationId, userId) {
      const { rows } = await db.query<{ member: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM socketkit_participants WHERE conversation_id = $1 AND user_id = $2) AS member
         FROM socketkit_conversations WHERE id = $1`,
        [conversationId, userId],
      );
      return rows[0]?.member;
    },

    async lastSeq(conversationId) {
      const { rows } = await db.query<{ last_seq: unknown }>('SELECT last_seq FROM socketkit_conversations WHERE id = $1', [
        conversationId,
      ]);
      return rows[0] ? toSafeNumber(rows[0].last_seq) : 0;
    },

    async appendMessage(input) {
      // One statement (migration 2): lock the conversation row, return the stored message of this
      // (sender, clientMessageId) if any, else insert last_seq + 1. See socketkit_append_message.
      const { rows } = await db.query<MessageRow & { created: boolean }>(
        'SELECT * FROM socketkit_append_message($1, $2, $3, $4, $5, $6)',
        [input.conversationId, input.senderId, input.content, input.clientMessageId, randomUUID(), new Date().toISOString()],
      );
      const row = rows[0];
      if (!row) throw new Error(`socketkit_append_message returned nothing for ${input.conversationId}`);
      return { message: toMessage(row), created: row.created };
    },

    async history(query) {
      const before = query.beforeSeq ?? null;
      if (query.afterSeq !== undefined) {
        // Catch-up: oldest first from the cursor; one extra row tells whether there is more.
        const { rows } = await db.query<MessageRow>(
          `SELECT ${MESSAGE_COLUMNS} FROM socketkit_messages
           WHERE conversation_id = $1 AND seq > $2 AND ($3::bigint IS NULL OR seq < $3)
           ORDER BY seq ASC LIMIT $4`,
          [query.conversationId, query.afterSeq, before, query.limit + 1],
        );
        return { messages: rows.slice(0, query.limit).map(toMessage), hasMore: rows.length > query.limit };
      }
      // Scroll-back (or the newest page): the page just before the cursor, returned in ascending seq.
      const { rows } = await db.query<MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM socketkit_messages
         WHERE conversation_id = $1 AND ($2::bigint IS NULL OR seq < $2)
         ORDER BY seq DESC LIMIT $3`,
        [query.conversationId, before, query.limit + 1],
      );
      return { messages: rows.slice(0, query.limit).reverse().map(toMessage), hasMore: rows.length > query.limit };
    },

    ...sqlInboxMethods(db, toSafeNumber),

    ping: () => db.ping(),
    close: () => db.close(),
  };
}
