/**
 * The SQL schema of the durable stores (PostgreSQL and the embedded PGlite
 * store share it), as numbered migrations applied once each, in order.
 */
import type { SqlExecutor } from './database.js';

/**
 * Key of the session-independent advisory lock every migrating process takes
 * (`pg_advisory_xact_lock`), so several nodes starting at once apply each
 * migration exactly once. Any bigint works; this one spells "socketkit".
 */
export const MIGRATION_LOCK_KEY = 0x736f636b65746b69n;

/** One schema change. `version` is its number in `socketkit_migrations`; never edit a released one, add the next. */
interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'users, conversations, participants, messages, store identity',
    sql: `
      CREATE TABLE socketkit_meta (
        key text PRIMARY KEY,
        value text NOT NULL
      );
      INSERT INTO socketkit_meta (key, value) VALUES ('store_id', gen_random_uuid()::text);

      CREATE TABLE socketkit_users (
        id text PRIMARY KEY,
        name text NOT NULL,
        email text,
        avatar_url text
      );

      CREATE TABLE socketkit_conversations (
        id text PRIMARY KEY,
        -- Creation order, for "newest first" without ties on equal timestamps.
        ord bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        title text,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL,
        -- The seq of the newest message; the row is locked while the next one is inserted.
        last_seq bigint NOT NULL DEFAULT 0
      );

      CREATE TABLE socketkit_participants (
        conversation_id text NOT NULL REFERENCES socketkit_conversations (id) ON DELETE CASCADE,
        user_id text NOT NULL,
        position integer NOT NULL,
        PRIMARY KEY (conversation_id, user_id)
      );
      CREATE INDEX socketkit_participants_user ON socketkit_participants (user_id);

      CREATE TABLE socketkit_messages (
        conversation_id text NOT NULL REFERENCES socketkit_conversations (id) ON DELETE CASCADE,
        seq bigint NOT NULL,
        id text NOT NULL UNIQUE,
        sender_id text NOT NULL,
        content text NOT NULL,
        client_message_id text NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (conversation_id, seq),
        -- Idempotent sends: one message per (conversation, sender, clientMessageId).
        UNIQUE (conversation_id, sender_id, client_message_id)
      );
    `,
  },
  {
    version: 2,
    name: 'append a message in one statement',
    // The append of sql-store.ts in one call instead of five round trips. The
    // function is VOLATILE, so under READ COMMITTED each statement in it takes
    // a new snapshot: after waiting for the row lock it sees what the previous
    // holder committed.
    sql: `
      CREATE FUNCTION socketkit_append_message(
        p_conversation_id text, p_sender_id text, p_content text, p_client_message_id text,
        p_id text, p_created_at timestamptz
      )
      RETURNS TABLE (
        id text, seq bigint, conversation_id text, sender_id text, content text,
        client_message_id text, created_at timestamptz, created boolean
      )
      LANGUAGE plpgsql VOLATILE AS $$
      #variable_conflict use_column
      DECLARE
        next_seq bigint;
      BEGIN
        -- Every sender of this conversation, on any node, queues here.
        PERFORM 1 FROM socketkit_conversations c WHERE c.id = p_conversation_id FOR UPDATE;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'Unknown conversation %', p_conversation_id USING ERRCODE = 'no_data_found';
        END IF;
        RETURN QUERY
          SELECT m.id, m.seq, m.conversation_id, m.sender_id, m.content, m.client_message_id, m.created_at, false
          FROM socketkit_messages m
          WHERE m.conversation_id = p_conversation_id AND m.sender_id = p_sender_id
            AND m.client_message_id = p_client_message_id;
        IF FOUND THEN
          RETURN;
        END IF;
        UPDATE socketkit_conversations c SET last_seq = c.last_seq + 1
          WHERE c.id = p_conversation_id RETURNING c.last_seq INTO next_seq;
        RETURN QUERY
          INSERT INTO socketkit_messages AS m
            (conversation_id, seq, id, sender_id, content, client_message_id, created_at)
          VALUES (p_conversation_id, next_seq, p_id, p_sender_id, p_content, p_client_message_id, p_created_at)
          RETURNING m.id, m.seq, m.conversation_id, m.sender_id, m.content, m.client_message_id, m.created_at, true;
      END
      $$;
    `,
  },
  // Version 3 is the group-commit append (socketkit_append_messages), merged from its own branch;
  // the inbox does not depend on it, so 4 applies with or without it.
  {
    version: 4,
    name: 'inbox: read cursors per participant, notifications per user',
    sql: `
      -- The participant's read cursor: every message up to this seq is read. Only ever raised (GREATEST).
      -- Not indexed, so raising it (on every send) is a HOT update; conversation:list finds a
      -- user's rows by socketkit_participants_user (migration 1).
      ALTER TABLE socketkit_participants ADD COLUMN last_read_seq bigint NOT NULL DEFAULT 0;

      -- What the sender had read before this migration: their own newest message.
      UPDATE socketkit_participants p SET last_read_seq = m.seq
      FROM (SELECT conversation_id, sender_id, max(seq) AS seq FROM socketkit_messages GROUP BY conversation_id, sender_id) m
      WHERE m.conversation_id = p.conversation_id AND m.sender_id = p.user_id;

      CREATE TABLE socketkit_notifications (
        -- Insertion order: the page position of notification:list (newest first).
        ord bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id text NOT NULL UNIQUE,
        user_id text NOT NULL,
        title text NOT NULL,
        body text NOT NULL,
        link text,
        data jsonb,
        created_at timestamptz NOT NULL,
        read_at timestamptz
      );
      CREATE INDEX socketkit_notifications_user ON socketkit_notifications (user_id, ord DESC);
      -- Unread counts and unreadOnly pages read only the unread rows.
      CREATE INDEX socketkit_notifications_unread ON socketkit_notifications (user_id, ord DESC) WHERE read_at IS NULL;
    `,
  },
];

/**
 * Creates or migrates the schema. Runs in one transaction holding an
 * advisory lock, so concurrent starts queue and the later ones find the
 * work done.
 */
export async function migrate(db: { transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> }): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS socketkit_migrations (
         version integer PRIMARY KEY,
         name text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await tx.query<{ version: number }>('SELECT version FROM socketkit_migrations');
    const done = new Set(rows.map((row) => Number(row.version)));
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO socketkit_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      applied.push(migration.version);
    }
    return applied;
  });
}
