/**
 * The inbox half of the SQL store (protocol 1.2): conversation summaries
 * with read cursors, and notifications per user (migration 4 in schema.ts).
 *
 * No request scans history. `conversation:list` reads the user's
 * participant rows (index `socketkit_participants_user`), each
 * conversation by primary key and its newest message by primary key
 * `(conversation_id, seq = last_seq)`; `unreadCount = last_seq −
 * last_read_seq`, exact because a send raises the sender's cursor to its seq.
 * Cursors only move up: `markRead` updates with a `WHERE last_read_seq <
 * target` that PostgreSQL re-checks after waiting for a concurrent update of
 * the same row, so of two devices the larger seq wins and `moved` is true
 * for exactly the calls that raised it.
 */
import { LIMITS, type ConversationSummary, type StoredNotification } from '../../protocol/index.js';
import { randomUUID } from 'node:crypto';
import type { SqlDatabase } from './database.js';
import type { SqlStore } from './sql-store.js';

type InboxMethods = Pick<
  SqlStore,
  'listConversationSummaries' | 'markRead' | 'addNotification' | 'listNotifications' | 'markNotificationsRead'
>;

interface SummaryRow {
  id: string;
  title: string | null;
  created_at: Date | string;
  participant_ids: string[];
  last_seq: unknown;
  last_read_seq: unknown;
  activity: Date | string;
  m_id: string | null;
  m_sender_id: string | null;
  m_content: string | null;
  m_client_message_id: string | null;
  m_created_at: Date | string | null;
}

interface NotificationRow {
  ord: unknown;
  id: string;
  title: string;
  body: string;
  link: string | null;
  data: unknown;
  created_at: Date | string;
  read_at: Date | string | null;
}

const iso = (value: Date | string): string => (value instanceof Date ? value : new Date(value)).toISOString();

function toSummary(row: SummaryRow, toNumber: (value: unknown) => number): ConversationSummary {
  const lastSeq = toNumber(row.last_seq);
  const lastReadSeq = toNumber(row.last_read_seq);
  const summary: ConversationSummary = {
    id: row.id,
    title: row.title,
    participantIds: row.participant_ids,
    createdAt: iso(row.created_at),
    lastSeq,
    lastReadSeq,
    unreadCount: Math.max(0, lastSeq - lastReadSeq),
    lastActivityAt: iso(row.activity),
  };
  if (row.m_id !== null && row.m_created_at !== null) {
    summary.lastMessage = {
      id: row.m_id,
      seq: lastSeq,
      conversationId: row.id,
      senderId: row.m_sender_id as string,
      content: row.m_content as string,
      createdAt: iso(row.m_created_at),
      clientMessageId: row.m_client_message_id as string,
    };
  }
  return summary;
}

function toNotification(row: NotificationRow): StoredNotification {
  const notification: StoredNotification = {
    id: row.id,
    title: row.title,
    body: row.body,
    createdAt: iso(row.created_at),
    readAt: row.read_at === null ? null : iso(row.read_at),
  };
  if (row.link !== null) notification.link = row.link;
  if (row.data !== null) notification.data = typeof row.data === 'string' ? (JSON.parse(row.data) as unknown) : row.data;
  return notification;
}

// The list order compares ids byte-wise (COLLATE "C"), as JavaScript's `<` on ASCII ids does.
const SUMMARIES = `
  SELECT s.*,
         ARRAY(SELECT p.user_id FROM socketkit_participants p WHERE p.conversation_id = s.id ORDER BY p.position) AS participant_ids
  FROM (
    SELECT c.id, c.title, c.created_at, c.last_seq, mine.last_read_seq,
           COALESCE(m.created_at, c.created_at) AS activity,
           m.id AS m_id, m.sender_id AS m_sender_id, m.content AS m_content,
           m.client_message_id AS m_client_message_id, m.created_at AS m_created_at
    FROM socketkit_participants mine
    JOIN socketkit_conversations c ON c.id = mine.conversation_id
    LEFT JOIN socketkit_messages m ON m.conversation_id = c.id AND m.seq = c.last_seq
    WHERE mine.user_id = $1
  ) s
  WHERE $2::timestamptz IS NULL OR s.activity < $2 OR (s.activity = $2 AND s.id COLLATE "C" > $3)
  ORDER BY s.activity DESC, s.id COLLATE "C" ASC
  LIMIT $4`;

const NOTIFICATION_COLUMNS = 'ord, id, title, body, link, data, created_at, read_at';

/** The inbox methods of the SQL store over `db` (schema migration 4 applied). */
export function sqlInboxMethods(db: SqlDatabase, toNumber: (value: unknown) => number): InboxMethods {
  const unreadCount = async (userId: string): Promise<number> => {
    const { rows } = await db.query<{ n: unknown }>(
      'SELECT count(*) AS n FROM socketkit_notifications WHERE user_id = $1 AND read_at IS NULL',
      [userId],
    );
    return toNumber(rows[0]?.n ?? 0);
  };

  return {
    async listConversationSummaries(query) {
      const { rows } = await db.query<SummaryRow>(SUMMARIES, [
        query.userId,
        query.after?.lastActivityAt ?? null,
        query.after?.id ?? null,
        query.limit + 1,
      ]);
      return {
        conversations: rows.slice(0, query.limit).map((row) => toSummary(row, toNumber)),
        hasMore: rows.length > query.limit,
      };
    },

    async markRead(input) {
      const { rows: moved } = await db.query<{ last_read_seq: unknown; last_seq: unknown }>(
        `UPDATE socketkit_participants p SET last_read_seq = LEAST($3::bigint, c.last_seq)
         FROM socketkit_conversations c
         WHERE c.id = p.conversation_id AND p.conversation_id = $1 AND p.user_id = $2
           AND p.last_read_seq < LEAST($3::bigint, c.last_seq)
         RETURNING p.last_read_seq, c.last_seq`,
        [input.conversationId, input.userId, input.seq],
      );
      if (moved[0]) return { lastReadSeq: toNumber(moved[0].last_read_seq), lastSeq: toNumber(moved[0].last_seq), moved: true };
      const { rows } = await db.query<{ last_read_seq: unknown; last_seq: unknown }>(
        `SELECT p.last_read_seq, c.last_seq FROM socketkit_participants p
         JOIN socketkit_conversations c ON c.id = p.conversation_id
         WHERE p.conversation_id = $1 AND p.user_id = $2`,
        [input.conversationId, input.userId],
      );
      const row = rows[0];
      return row ? { lastReadSeq: toNumber(row.last_read_seq), lastSeq: toNumber(row.last_seq), moved: false } : undefined;
    },

    async addNotification(input) {
      // Insert and trim in one statement: the DELETE sees the rows before this insert, so the
      // newest LIMITS.notificationsKeptPerUser of them stay besides the new one.
      const { rows } = await db.query<NotificationRow>(
        `WITH trimmed AS (
           DELETE FROM socketkit_notifications
           WHERE user_id = $1 AND ord <= (
             SELECT ord FROM socketkit_notifications WHERE user_id = $1 ORDER BY ord DESC OFFSET $8 LIMIT 1)
         )
         INSERT INTO socketkit_notifications (id, user_id, title, body, link, data, created_at)
         VALUES ($2, $1, $3, $4, $5, $6::jsonb, $7)
         RETURNING ${NOTIFICATION_COLUMNS}`,
        [
          input.userId,
          randomUUID(),
          input.title,
          input.body,
          input.link ?? null,
          input.data === undefined ? null : JSON.stringify(input.data),
          new Date().toISOString(),
          LIMITS.notificationsKeptPerUser,
        ],
      );
      const row = rows[0];
      if (!row) throw new Error('INSERT INTO socketkit_notifications returned nothing');
      return toNotification(row);
    },

    async listNotifications(query) {
      const { rows } = await db.query<NotificationRow>(
        `SELECT ${NOTIFICATION_COLUMNS} FROM socketkit_notifications
         WHERE user_id = $1 AND ($2::bigint IS NULL OR ord < $2) AND (NOT $3 OR read_at IS NULL)
         ORDER BY ord DESC LIMIT $4`,
        [query.userId, query.before ?? null, query.unreadOnly, query.limit + 1],
      );
      const page = rows.slice(0, query.limit);
      const hasMore = rows.length > query.limit;
      const last = page[page.length - 1];
      return {
        notifications: page.map(toNotification),
        unreadCount: await unreadCount(query.userId),
        hasMore,
        ...(hasMore && last ? { nextBefore: String(toNumber(last.ord)) } : {}),
      };
    },

    async markNotificationsRead(input) {
      const readAt = new Date().toISOString();
      const { rows } = 'all' in input
        ? await db.query<{ id: string }>(
            'UPDATE socketkit_notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL RETURNING id',
            [input.userId, readAt],
          )
        : await db.query<{ id: string }>(
            'UPDATE socketkit_notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL AND id = ANY($3::text[]) RETURNING id',
            [input.userId, readAt, input.ids],
          );
      return { changedIds: rows.map((row) => row.id), unreadCount: await unreadCount(input.userId) };
    },
  };
}
