/**
 * The SQL schema of the durable stores (PostgreSQL and the embedded PGlite
 * store share it), as numbered migrations applied once each, in order.
 */
import type { SqlExecutor } from './database.js';
import { StartupError } from '../startup-error.js';

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
    await verifySchema(tx);
    return applied;
  });
}

/** Tables and the indexes behind their keys and constraints: a restore that lost one cannot be repaired from here. */
const REQUIRED_RELATIONS = [
  'socketkit_meta', 'socketkit_meta_pkey',
  'socketkit_users', 'socketkit_users_pkey',
  'socketkit_conversations', 'socketkit_conversations_pkey', 'socketkit_conversations_ord_key',
  'socketkit_participants', 'socketkit_participants_pkey',
  'socketkit_messages', 'socketkit_messages_pkey', 'socketkit_messages_id_key',
];
/** The idempotency key, whose generated name PostgreSQL truncates: found by its columns. */
const IDEMPOTENCY_KEY = 'the unique key (conversation_id, sender_id, client_message_id) of socketkit_messages';

/** What can be made again without data: a function, a plain index. Each `check` is a `to_reg*` argument. */
const REPAIRABLE: readonly { check: string; kind: 'procedure' | 'class'; sql: string }[] = [
  {
    check: 'socketkit_append_message(text, text, text, text, text, timestamptz)',
    kind: 'procedure',
    // Migration 2's function, made again (`CREATE FUNCTION` of a missing one).
    sql: MIGRATIONS.find((migration) => migration.version === 2)!.sql,
  },
  { check: 'socketkit_participants_user', kind: 'class', sql: 'CREATE INDEX socketkit_participants_user ON socketkit_participants (user_id)' },
];

/**
 * Checks that every table, key, index and function of the schema exists
 * (a backup of the tables alone, restored, lacks the function); makes again
 * what holds no data, and refuses with `StartupError('SCHEMA_BROKEN')`
 * naming what is missing otherwise.
 */
export async function verifySchema(tx: SqlExecutor): Promise<{ repaired: string[] }> {
  const { rows } = await tx.query<{ name: string }>(
    'SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass(name) IS NULL',
    [REQUIRED_RELATIONS],
  );
  const missing = rows.map((row) => row.name);
  if (!missing.includes('socketkit_messages')) {
    const { rows: keys } = await tx.query<{ present: boolean }>(
      `SELECT EXISTS (
         SELECT 1 FROM pg_constraint
         WHERE conrelid = 'socketkit_messages'::regclass AND contype = 'u'
           AND (SELECT array_agg(attname::text ORDER BY attname) FROM pg_attribute
                WHERE attrelid = conrelid AND attnum = ANY (conkey)) = ARRAY['client_message_id', 'conversation_id', 'sender_id']
       ) AS present`,
    );
    if (!keys[0]?.present) missing.push(IDEMPOTENCY_KEY);
  }
  if (missing.length > 0) {
    throw new StartupError(
      'SCHEMA_BROKEN',
      `The database lacks ${missing.join(', ')}: it was restored or changed in part. ` +
        'Restore the whole backup (docs/deploy.md, "Backups") into an empty database, or start on an empty database to create the schema.',
    );
  }
  const repaired: string[] = [];
  for (const object of REPAIRABLE) {
    const lookup = object.kind === 'procedure' ? 'to_regprocedure($1)' : 'to_regclass($1)';
    const { rows: found } = await tx.query<{ present: boolean }>(`SELECT ${lookup} IS NOT NULL AS present`, [object.check]);
    if (found[0]?.present) continue;
    await tx.exec(object.sql);
    repaired.push(object.check);
  }
  return { repaired };
}
