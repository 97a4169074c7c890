/**
 * `SocketkitStore` over PostgreSQL's SQL, shared by the PostgreSQL store
 * (node-postgres pool) and the embedded store (PGlite).
 *
 * The database decides `seq` and idempotency, never this process. Sends are
 * appended in batches (group commit, append-batches.ts): the sends of every
 * conversation that arrive while batches are in flight go together in the
 * next one, one call of `socketkit_send_messages_optimistic` (schema.ts,
 * migration 7; messages.ts), one transaction and one commit, which also
 * moves each sender's read cursor to their message, and each is answered
 * only after that commit. A conversation is in one batch in flight at most.
 * The function locks the batch's conversation rows (`SELECT … FOR UPDATE
 * SKIP LOCKED`, in id order; a row another transaction holds is skipped and
 * its sends go again alone, waiting for the lock), inserts every send at
 * `last_seq` + its rank in arrival order, and when the unique key on
 * `(conversation_id, sender_id, client_message_id)` is already taken (a
 * retry, racing its original in another batch or in the same one) answers
 * the batch with migration 6's function instead, which returns the stored
 * message for a known key. Concurrent batches on any number of processes
 * never share a locked row, so a seq is never shared or skipped.
 *
 * Connects cost little: what the connects of a moment ask (profile upserts,
 * and the conversation ids a presence change is announced to or a watching
 * user's contacts come from: `listConversationIds`, `listContacts`) goes in
 * one statement per batch (users.ts); an unchanged profile writes nothing
 * (no row lock, no commit record, no fsync). Whose presence a user may see
 * is those conversations' participants, from the conversation cache (a
 * conversation never changes once created).
 */
import { randomUUID } from 'node:crypto';
import type { Conversation, StoredNotification, UserProfile } from '../../protocol/index.js';
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
import { Batcher, type Outcome } from './batcher.js';
import type { SqlDatabase } from './database.js';
import { appendBatchBounds, appendBatches } from './append-batches.js';
import { iso, MAX_BATCH_BYTES, toMessage, toSafeNumber, type MessageRow } from './messages.js';
import { ConversationCache } from './conversation-cache.js';
import { migrate } from './schema.js';
import { connectRequestBytes, MAX_CONNECT_BATCH, runConnectBatch, type ConnectRequest } from './users.js';
import { sqlInboxMethods } from './sql-inbox.js';

export { toSafeNumber } from './messages.js';

/** A durable store: the `SocketkitStore` contract, all answers asynchronous, plus health and shutdown. */
export interface SqlStore extends SocketkitStore {
  getStoreId(): Promise<string>;
  getUser(userId: string): Promise<UserProfile | undefined>;
  listUsers(): Promise<UserProfile[]>;
  upsertUser(profile: ProfileClaims): Promise<void>;
  getConversation(conversationId: string): Promise<Conversation | undefined>;
  listConversations(userId: string): Promise<Conversation[]>;
  listConversationIds(userId: string): Promise<string[]>;
  listContacts(userId: string): Promise<string[]>;
  createConversation(input: CreateConversationInput): Promise<Conversation>;
  isParticipant(conversationId: string, userId: string): Promise<boolean | undefined>;
  lastSeq(conversationId: string): Promise<number>;
  appendMessage(input: AppendMessageInput): Promise<AppendMessageResult>;
  readonly appendMarksSenderRead: true;
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

function toUser(row: UserRow): UserProfile {
  const user: UserProfile = { id: row.id, name: row.name };
  if (row.email !== null) user.email = row.email;
  if (row.avatar_url !== null) user.avatarUrl = row.avatar_url;
  return user;
}

function toConversation(row: ConversationRow): Conversation {
  return { id: row.id, title: row.title, participantIds: row.participant_ids, createdAt: iso(row.created_at) };
}

const MESSAGE_COLUMNS = 'id, seq, conversation_id, sender_id, content, client_message_id, created_at';
const CONVERSATION_SELECT = `
  SELECT c.id, c.title, c.created_at,
         ARRAY(SELECT p.user_id FROM socketkit_participants p
               WHERE p.conversation_id = c.id ORDER BY p.position) AS participant_ids
  FROM socketkit_conversations c`;

/** The conversations of `ids` (distinct or not), in one query by primary key; one outcome per id, in order (`undefined`: no such conversation). */
async function loadConversations(db: SqlDatabase, ids: readonly string[]): Promise<Outcome<Conversation | undefined>[]> {
  const { rows } = await db.query<ConversationRow>(`${CONVERSATION_SELECT} WHERE c.id = ANY ($1::text[])`, [[...new Set(ids)]]);
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => {
    const row = byId.get(id);
    return { ok: true, value: row ? toConversation(row) : undefined };
  });
}

/**
 * Migrates the schema (under an advisory lock) and returns the store.
 * Rejects when the database cannot be reached or a migration fails.
 */
export async function createSqlStore(db: SqlDatabase): Promise<SqlStore> {
  await migrate(db);
  const { rows: meta } = await db.query<{ value: string }>(`SELECT value FROM socketkit_meta WHERE key = 'store_id'`);
  const storeId = meta[0]?.value;
  if (!storeId) throw new Error('socketkit_meta has no store_id row: the schema was changed by hand');

  // Sends of every conversation in shared batches (one commit for all), each conversation in at
  // most one batch in flight; a locked conversation goes alone (append-batches.ts). One batch in
  // flight on a database of one connection (PGlite), where a second would only queue behind the
  // first and take the sends that would have joined the next batch.
  const appendInBatch = appendBatches(db, appendBatchBounds(db.connections));
  // What connects ask (profile upserts, conversation ids) in one statement per batch, one batch in
  // flight: a storm's connects wait for it and go together, and each user's upserts stay in order
  // (the announcer keeps each user's presence changes in order itself). A lookup waits for the
  // batch's commit flush when a profile in it changed: rare after a user's first connect.
  const connects = new Batcher<ConnectRequest, string[] | undefined>((requests) => runConnectBatch(db, requests), {
    maxCount: MAX_CONNECT_BATCH,
    maxBytes: MAX_BATCH_BYTES,
    sizeOf: connectRequestBytes,
  });
  const lookUpConversationIds = (userId: string) => connects.submit({ conversationsOf: userId }) as Promise<string[]>;
  // Conversations never change once created: kept for the participant check, the announcement of
  // every send and whose presence a user may see. The misses of the moment (a cold node in a
  // reconnect storm) are read together, by primary key.
  const conversationLoads = new Batcher<string, Conversation | undefined>((ids) => loadConversations(db, ids), {
    maxCount: MAX_CONNECT_BATCH,
    maxBytes: Number.POSITIVE_INFINITY,
    maxInFlight: 4,
  });
  const conversations = new ConversationCache((conversationId) => conversationLoads.submit(conversationId));

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

    // Batched with the other connects of the moment (users.ts: unchanged claims write nothing).
    upsertUser: (profile) => connects.submit({ profile }).then(() => undefined),

    // On every send (the conversation:updated announcement): from the cache after the first ask.
    getConversation: (conversationId) => conversations.get(conversationId),

    async listConversations(userId) {
      const { rows } = await db.query<ConversationRow>(
        `${CONVERSATION_SELECT}
         WHERE c.id IN (SELECT conversation_id FROM socketkit_participants WHERE user_id = $1)
         ORDER BY c.ord DESC`,
        [userId],
      );
      return rows.map(toConversation);
    },

    // What a presence change is announced to: the lookups of the moment in one query.
    listConversationIds: lookUpConversationIds,

    // Whose presence a user may see, on every connect with watches: the user's conversation ids from
    // the database (batched with the other lookups of the moment; a conversation just made on another
    // node counts), their participants from the cache. A self-join of the participants in SQL read the
    // whole table per lookup (a hash join on a seq scan) and made a connect storm cost 1.4x.
    async listContacts(userId) {
      const conversationIds = await lookUpConversationIds(userId);
      const contacts = new Set<string>();
      for (const conversation of await Promise.all(conversationIds.map((id) => conversations.get(id)))) {
        for (const participantId of conversation?.participantIds ?? []) contacts.add(participantId);
      }
      return [...contacts];
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
      conversations.remember(conversation);
      return conversation;
    },

    // On every send and typing event: answered from the cache (participants never change) after the first ask.
    isParticipant: (conversationId, userId) => conversations.isParticipant(conversationId, userId),

    async lastSeq(conversationId) {
      const { rows } = await db.query<{ last_seq: unknown }>('SELECT last_seq FROM socketkit_conversations WHERE id = $1', [
        conversationId,
      ]);
      return rows[0] ? toSafeNumber(rows[0].last_seq) : 0;
    },

    // Group commit: answered after the commit of its batch (see the header), which moved the sender's cursor too.
    appendMessage: (input) => appendInBatch(input),
    appendMarksSenderRead: true,

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
