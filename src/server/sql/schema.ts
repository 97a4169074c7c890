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
