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
  {
    version: 3,
    name: 'append a batch of messages in one statement (group commit)',
    // The appends of one batch (sql/messages.ts) in one call: one transaction,
    // one commit. First every conversation of the batch is locked, in id
    // order (two nodes' batches sharing conversations queue on the first one
    // they share instead of deadlocking). Then one set-based statement, which
    // takes its snapshot after the locks, so it sees every message committed
    // by the previous holders: per (conversation, sender, clientMessageId) of
    // the batch, the stored message if there is one, else the first input of
    // that key in the batch is inserted with last_seq + its rank among the
    // conversation's new messages in arrival order (batch_index); later
    // inputs of the same key (a retry inside the batch) answer that message
    // with created = false. An unknown conversation refuses only its own
    // input: its row comes back with created NULL.
    sql: `
      CREATE FUNCTION socketkit_append_messages(
        p_conversation_ids text[], p_sender_ids text[], p_contents text[], p_client_message_ids text[],
        p_ids text[], p_created_at timestamptz[]
      )
      RETURNS TABLE (
        batch_index integer, id text, seq bigint, conversation_id text, sender_id text, content text,
        client_message_id text, created_at timestamptz, created boolean
      )
      LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        PERFORM 1 FROM (
          SELECT c.id FROM socketkit_conversations c
          WHERE c.id = ANY (p_conversation_ids) ORDER BY c.id FOR UPDATE
        ) locked;
        RETURN QUERY
        WITH input AS (
          SELECT t.* FROM unnest(p_conversation_ids, p_sender_ids, p_contents, p_client_message_ids, p_ids, p_created_at)
            WITH ORDINALITY AS t (conversation_id, sender_id, content, client_message_id, id, created_at, batch_index)
        ),
        known AS (
          SELECT c.id, c.last_seq FROM socketkit_conversations c WHERE c.id = ANY (p_conversation_ids)
        ),
        first AS (
          SELECT DISTINCT ON (i.conversation_id, i.sender_id, i.client_message_id) i.*
          FROM input i JOIN known k ON k.id = i.conversation_id
          ORDER BY i.conversation_id, i.sender_id, i.client_message_id, i.batch_index
        ),
        stored AS (
          -- One probe of the unique index per key. A plain join let the plan cached for the
          -- function (made while the table was small) hash-join a scan of every message.
          SELECT s.* FROM first f
          CROSS JOIN LATERAL (
            SELECT m.id, m.seq, m.conversation_id, m.sender_id, m.content, m.client_message_id, m.created_at
            FROM socketkit_messages m
            WHERE m.conversation_id = f.conversation_id AND m.sender_id = f.sender_id
              AND m.client_message_id = f.client_message_id
            LIMIT 1
          ) s
        ),
        fresh AS (
          SELECT f.*, k.last_seq + row_number() OVER (PARTITION BY f.conversation_id ORDER BY f.batch_index) AS seq
          FROM first f JOIN known k ON k.id = f.conversation_id
          WHERE NOT EXISTS (
            SELECT 1 FROM stored s
            WHERE s.conversation_id = f.conversation_id AND s.sender_id = f.sender_id AND s.client_message_id = f.client_message_id
          )
        ),
        inserted AS (
          INSERT INTO socketkit_messages AS m (conversation_id, seq, id, sender_id, content, client_message_id, created_at)
          SELECT x.conversation_id, x.seq, x.id, x.sender_id, x.content, x.client_message_id, x.created_at
          FROM fresh x ORDER BY x.batch_index
          RETURNING m.id, m.seq, m.conversation_id, m.sender_id, m.content, m.client_message_id, m.created_at
        ),
        bumped AS (
          UPDATE socketkit_conversations c SET last_seq = x.last_seq
          FROM (SELECT y.conversation_id, max(y.seq) AS last_seq FROM fresh y GROUP BY y.conversation_id) x
          WHERE c.id = x.conversation_id AND c.id = ANY (p_conversation_ids)
        ),
        answer AS (
          SELECT n.*, true AS new FROM inserted n
          UNION ALL
          SELECT s.*, false AS new FROM stored s
        )
        SELECT i.batch_index::integer, a.id, a.seq, i.conversation_id, i.sender_id, a.content, i.client_message_id,
               a.created_at, CASE WHEN a.id IS NULL THEN NULL ELSE a.new AND a.id = i.id END
        FROM input i
        LEFT JOIN answer a
          ON a.conversation_id = i.conversation_id AND a.sender_id = i.sender_id AND a.client_message_id = i.client_message_id
        ORDER BY i.batch_index;
      END
      $$;
    `,
  },
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
  {
    version: 5,
    name: "append a batch of messages and move each sender's read cursor, in one statement",
    // Migration 3's append, plus one more step in the same statement (so in the same transaction
    // and commit): each sender's read cursor moves up to the newest seq of theirs in the answer
    // (what I wrote, I have read: protocol 1.2). Before, the server moved it in a second statement
    // after the append's commit: one more round trip and one more commit (a WAL flush on PostgreSQL)
    // per send, and a crash between the two left one's own message counted as unread. A retry
    // answered with its stored message moves the cursor too (a no-op unless that crash happened).
    // Only a cursor behind the seq is updated (the column is not indexed: a HOT update).
    // The statement's plan is made once and kept (force_generic_plan): left to choose, PL/pgSQL
    // planned it again on every call, about half of its CPU on PGlite (3.7 → 2.0 ms per
    // one-message batch, bench/profile-embedded.ts). Every access in it is by a key (the
    // conversations' primary key, one probe of the idempotency key per input, the participants'
    // primary key), so the plan does not depend on the arrays' contents or the tables' sizes.
    // No new deadlock: a participant row belongs to a conversation whose row the batch already
    // holds, so two batches never wait for each other's participant rows, and markRead locks
    // only its participant row and waits for nothing else.
    sql: `
      CREATE FUNCTION socketkit_send_messages(
        p_conversation_ids text[], p_sender_ids text[], p_contents text[], p_client_message_ids text[],
        p_ids text[], p_created_at timestamptz[]
      )
      RETURNS TABLE (
        batch_index integer, id text, seq bigint, conversation_id text, sender_id text, content text,
        client_message_id text, created_at timestamptz, created boolean
      )
      LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_generic_plan AS $$
      BEGIN
        PERFORM 1 FROM (
          SELECT c.id FROM socketkit_conversations c
          WHERE c.id = ANY (p_conversation_ids) ORDER BY c.id FOR UPDATE
        ) locked;
        RETURN QUERY
        WITH input AS (
          SELECT t.* FROM unnest(p_conversation_ids, p_sender_ids, p_contents, p_client_message_ids, p_ids, p_created_at)
            WITH ORDINALITY AS t (conversation_id, sender_id, content, client_message_id, id, created_at, batch_index)
        ),
        known AS (
          SELECT c.id, c.last_seq FROM socketkit_conversations c WHERE c.id = ANY (p_conversation_ids)
        ),
        first AS (
          SELECT DISTINCT ON (i.conversation_id, i.sender_id, i.client_message_id) i.*
          FROM input i JOIN known k ON k.id = i.conversation_id
          ORDER BY i.conversation_id, i.sender_id, i.client_message_id, i.batch_index
        ),
        stored AS (
          -- One probe of the unique index per key (see migration 3).
          SELECT s.* FROM first f
          CROSS JOIN LATERAL (
            SELECT m.id, m.seq, m.conversation_id, m.sender_id, m.content, m.client_message_id, m.created_at
            FROM socketkit_messages m
            WHERE m.conversation_id = f.conversation_id AND m.sender_id = f.sender_id
              AND m.client_message_id = f.client_message_id
            LIMIT 1
          ) s
        ),
        fresh AS (
          SELECT f.*, k.last_seq + row_number() OVER (PARTITION BY f.conversation_id ORDER BY f.batch_index) AS seq
          FROM first f JOIN known k ON k.id = f.conversation_id
          WHERE NOT EXISTS (
            SELECT 1 FROM stored s
            WHERE s.conversation_id = f.conversation_id AND s.sender_id = f.sender_id AND s.client_message_id = f.client_message_id
          )
        ),
        inserted AS (
          INSERT INTO socketkit_messages AS m (conversation_id, seq, id, sender_id, content, client_message_id, created_at)
          SELECT x.conversation_id, x.seq, x.id, x.sender_id, x.content, x.client_message_id, x.created_at
          FROM fresh x ORDER BY x.batch_index
          RETURNING m.id, m.seq, m.conversation_id, m.sender_id, m.content, m.client_message_id, m.created_at
        ),
        bumped AS (
          UPDATE socketkit_conversations c SET last_seq = x.last_seq
          FROM (SELECT y.conversation_id, max(y.seq) AS last_seq FROM fresh y GROUP BY y.conversation_id) x
          WHERE c.id = x.conversation_id AND c.id = ANY (p_conversation_ids)
        ),
        answer AS (
          SELECT n.*, true AS new FROM inserted n
          UNION ALL
          SELECT s.*, false AS new FROM stored s
        ),
        read AS (
          UPDATE socketkit_participants p SET last_read_seq = x.seq
          FROM (
            SELECT a.conversation_id, a.sender_id, max(a.seq) AS seq FROM answer a
            GROUP BY a.conversation_id, a.sender_id
          ) x
          WHERE p.conversation_id = x.conversation_id AND p.user_id = x.sender_id AND p.last_read_seq < x.seq
        )
        SELECT i.batch_index::integer, a.id, a.seq, i.conversation_id, i.sender_id, a.content, i.client_message_id,
               a.created_at, CASE WHEN a.id IS NULL THEN NULL ELSE a.new AND a.id = i.id END
        FROM input i
        LEFT JOIN answer a
          ON a.conversation_id = i.conversation_id AND a.sender_id = i.sender_id AND a.client_message_id = i.client_message_id
        ORDER BY i.batch_index;
      END
      $$;
    `,
  },
  {
    version: 6,
    name: 'the batch append skips a conversation whose row another transaction holds',
    // Migration 5's function with one more parameter, p_wait. With p_wait false the conversation
    // rows are locked with SKIP LOCKED, and the inputs of a conversation whose row another
    // transaction holds come back with busy = true, untouched. The server sends one batch for the
    // sends of many conversations (append-batches.ts: one commit for all), and a conversation
    // locked by someone else (a long transaction, a batch of another node) never holds up the
    // others in it: its sends go again alone with p_wait true, which waits for the lock up to
    // lock_timeout. Everything else is migration 5's: the plan kept (force_generic_plan), the
    // senders' read cursors moved in the same statement, no new deadlock (a shared batch waits
    // for no conversation row; a participant row belongs to a conversation the batch holds).
    // It answers less: for an input it stored, only the seq (the server has the rest: it sent it),
    // so the driver parses no content and no timestamp for a new message; the id, content and time
    // come back for an input answered with a stored message (a retry). The 6-argument function of
    // migration 5 is dropped: nothing calls it any more.
    sql: `
      DROP FUNCTION IF EXISTS socketkit_send_messages(text[], text[], text[], text[], text[], timestamptz[]);
      CREATE FUNCTION socketkit_send_messages(
        p_conversation_ids text[], p_sender_ids text[], p_contents text[], p_client_message_ids text[],
        p_ids text[], p_created_at timestamptz[], p_wait boolean
      )
      RETURNS TABLE (
        batch_index integer, seq bigint, created boolean, busy boolean, id text, content text, created_at timestamptz
      )
      LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_generic_plan AS $$
      DECLARE
        locked text[];
      BEGIN
        IF p_wait THEN
          SELECT array_agg(l.id) INTO locked FROM (
            SELECT c.id FROM socketkit_conversations c
            WHERE c.id = ANY (p_conversation_ids) ORDER BY c.id FOR UPDATE
          ) l;
        ELSE
          SELECT array_agg(l.id) INTO locked FROM (
            SELECT c.id FROM socketkit_conversations c
            WHERE c.id = ANY (p_conversation_ids) ORDER BY c.id FOR UPDATE SKIP LOCKED
          ) l;
        END IF;
        locked := COALESCE(locked, ARRAY[]::text[]);
        RETURN QUERY
        WITH input AS (
          SELECT t.* FROM unnest(p_conversation_ids, p_sender_ids, p_contents, p_client_message_ids, p_ids, p_created_at)
            WITH ORDINALITY AS t (conversation_id, sender_id, content, client_message_id, id, created_at, batch_index)
        ),
        known AS (
          SELECT c.id, c.last_seq FROM socketkit_conversations c WHERE c.id = ANY (locked)
        ),
        first AS (
          SELECT DISTINCT ON (i.conversation_id, i.sender_id, i.client_message_id) i.*
          FROM input i JOIN known k ON k.id = i.conversation_id
          ORDER BY i.conversation_id, i.sender_id, i.client_message_id, i.batch_index
        ),
        stored AS (
          -- One probe of the unique index per key (see migration 3).
          SELECT s.* FROM first f
          CROSS JOIN LATERAL (
            SELECT m.id, m.seq, m.conversation_id, m.sender_id, m.content, m.client_message_id, m.created_at
            FROM socketkit_messages m
            WHERE m.conversation_id = f.conversation_id AND m.sender_id = f.sender_id
              AND m.client_message_id = f.client_message_id
            LIMIT 1
          ) s
        ),
        fresh AS (
          SELECT f.*, k.last_seq + row_number() OVER (PARTITION BY f.conversation_id ORDER BY f.batch_index) AS seq
          FROM first f JOIN known k ON k.id = f.conversation_id
          WHERE NOT EXISTS (
            SELECT 1 FROM stored s
            WHERE s.conversation_id = f.conversation_id AND s.sender_id = f.sender_id AND s.client_message_id = f.client_message_id
          )
        ),
        inserted AS (
          INSERT INTO socketkit_messages AS m (conversation_id, seq, id, sender_id, content, client_message_id, created_at)
          SELECT x.conversation_id, x.seq, x.id, x.sender_id, x.content, x.client_message_id, x.created_at
          FROM fresh x ORDER BY x.batch_index
          RETURNING m.id, m.seq, m.conversation_id, m.sender_id, m.content, m.client_message_id, m.created_at
        ),
        bumped AS (
          UPDATE socketkit_conversations c SET last_seq = x.last_seq
          FROM (SELECT y.conversation_id, max(y.seq) AS last_seq FROM fresh y GROUP BY y.conversation_id) x
          WHERE c.id = x.conversation_id AND c.id = ANY (locked)
        ),
        answer AS (
          SELECT n.*, true AS new FROM inserted n
          UNION ALL
          SELECT s.*, false AS new FROM stored s
        ),
        read AS (
          UPDATE socketkit_participants p SET last_read_seq = x.seq
          FROM (
            SELECT a.conversation_id, a.sender_id, max(a.seq) AS seq FROM answer a
            GROUP BY a.conversation_id, a.sender_id
          ) x
          WHERE p.conversation_id = x.conversation_id AND p.user_id = x.sender_id AND p.last_read_seq < x.seq
        ),
        skipped AS (
          -- Conversations that exist but were not locked (SKIP LOCKED): their inputs are busy.
          SELECT c.id FROM socketkit_conversations c
          WHERE c.id = ANY (p_conversation_ids) AND NOT (c.id = ANY (locked))
        )
        -- A message stored by this input is what the caller sent: its seq is all that is new. The
        -- id, content and time come back only for an input answered with a stored message.
        SELECT i.batch_index::integer, a.seq, f.created,
               EXISTS (SELECT 1 FROM skipped k WHERE k.id = i.conversation_id),
               CASE WHEN f.created THEN NULL ELSE a.id END,
               CASE WHEN f.created THEN NULL ELSE a.content END,
               CASE WHEN f.created THEN NULL ELSE a.created_at END
        FROM input i
        LEFT JOIN answer a
          ON a.conversation_id = i.conversation_id AND a.sender_id = i.sender_id AND a.client_message_id = i.client_message_id
        CROSS JOIN LATERAL (SELECT CASE WHEN a.id IS NULL THEN NULL ELSE a.new AND a.id = i.id END AS created) f
        ORDER BY i.batch_index;
      END
      $$;
    `,
  },
  {
    version: 7,
    name: 'the batch append inserts first and checks keys only when one is taken',
    // The server's send (sql/messages.ts) calls this function instead of migration 6's. Retries
    // are rare, yet migration 6 probed the idempotency key of every input, sorted the inputs by
    // key (DISTINCT ON) and joined the answer back by key: about a fifth of PostgreSQL's CPU per
    // message in a batch of 60 (bench/results/pg-statement-cost.json). Here the conversations are
    // locked as in migration 6 (SKIP LOCKED unless p_wait), then every input of a locked
    // conversation is inserted at last_seq + its rank, in arrival order, in a subtransaction.
    // The unique key (conversation_id, sender_id, client_message_id) checks every input on
    // insert anyway: when one is taken (a retry of a stored message, or two inputs of one key in
    // the batch), the subtransaction rolls back and migration 6's function answers the whole
    // batch (it locks the same rows again, which this transaction already holds). The answers
    // are migration 6's: busy for a conversation another transaction holds, created NULL for an
    // unknown conversation, and for a stored input only its seq.
    sql: `
      CREATE FUNCTION socketkit_send_messages_optimistic(
        p_conversation_ids text[], p_sender_ids text[], p_contents text[], p_client_message_ids text[],
        p_ids text[], p_created_at timestamptz[], p_wait boolean
      )
      RETURNS TABLE (
        batch_index integer, seq bigint, created boolean, busy boolean, id text, content text, created_at timestamptz
      )
      LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_generic_plan AS $$
      DECLARE
        locked text[];
        stored_index bigint[];
        stored_seq bigint[];
      BEGIN
        IF p_wait THEN
          SELECT array_agg(l.id) INTO locked FROM (
            SELECT c.id FROM socketkit_conversations c
            WHERE c.id = ANY (p_conversation_ids) ORDER BY c.id FOR UPDATE
          ) l;
        ELSE
          SELECT array_agg(l.id) INTO locked FROM (
            SELECT c.id FROM socketkit_conversations c
            WHERE c.id = ANY (p_conversation_ids) ORDER BY c.id FOR UPDATE SKIP LOCKED
          ) l;
        END IF;
        locked := COALESCE(locked, ARRAY[]::text[]);
        BEGIN
          -- The rows go into variables, not the result: rows already returned would stay in it
          -- if the insert then failed.
          WITH input AS (
            SELECT t.* FROM unnest(p_conversation_ids, p_sender_ids, p_contents, p_client_message_ids, p_ids, p_created_at)
              WITH ORDINALITY AS t (conversation_id, sender_id, content, client_message_id, id, created_at, batch_index)
          ),
          fresh AS (
            SELECT i.*, c.last_seq + row_number() OVER (PARTITION BY i.conversation_id ORDER BY i.batch_index) AS seq
            FROM input i JOIN socketkit_conversations c ON c.id = i.conversation_id
            WHERE c.id = ANY (locked)
          ),
          inserted AS (
            INSERT INTO socketkit_messages (conversation_id, seq, id, sender_id, content, client_message_id, created_at)
            SELECT x.conversation_id, x.seq, x.id, x.sender_id, x.content, x.client_message_id, x.created_at
            FROM fresh x ORDER BY x.batch_index
          ),
          bumped AS (
            UPDATE socketkit_conversations c SET last_seq = x.last_seq
            FROM (SELECT y.conversation_id, max(y.seq) AS last_seq FROM fresh y GROUP BY y.conversation_id) x
            WHERE c.id = x.conversation_id
          ),
          read AS (
            UPDATE socketkit_participants p SET last_read_seq = x.seq
            FROM (SELECT y.conversation_id, y.sender_id, max(y.seq) AS seq FROM fresh y GROUP BY y.conversation_id, y.sender_id) x
            WHERE p.conversation_id = x.conversation_id AND p.user_id = x.sender_id AND p.last_read_seq < x.seq
          )
          SELECT array_agg(f.batch_index), array_agg(f.seq) INTO stored_index, stored_seq FROM fresh f;
        EXCEPTION WHEN unique_violation THEN
          RETURN QUERY
            SELECT * FROM socketkit_send_messages(
              p_conversation_ids, p_sender_ids, p_contents, p_client_message_ids, p_ids, p_created_at, p_wait
            );
          RETURN;
        END;
        RETURN QUERY
        SELECT i.batch_index::integer, f.seq, CASE WHEN f.seq IS NULL THEN NULL ELSE true END,
               f.seq IS NULL AND NOT (i.conversation_id = ANY (locked))
                 AND EXISTS (SELECT 1 FROM socketkit_conversations c WHERE c.id = i.conversation_id),
               NULL::text, NULL::text, NULL::timestamptz
        FROM unnest(p_conversation_ids) WITH ORDINALITY AS i (conversation_id, batch_index)
        LEFT JOIN unnest(stored_index, stored_seq) AS f (batch_index, seq) ON f.batch_index = i.batch_index
        ORDER BY i.batch_index;
      END
      $$;
    `,
  },
  {
    version: 8,
    name: 'no unique index on the message id',
    // A message's id is minted by the server (crypto.randomUUID(), 122 random bits, never taken
    // from a client), so it is unique by construction, and nothing looks a message up by it: the
    // history reads by (conversation_id, seq), retries by the idempotency key. The index only
    // cost every send an insert into a B-tree of random keys, a random leaf page each: about 3 µs of
    // PostgreSQL's CPU per message in a batch of 60 here (bench/results/pg-statement-cost.json),
    // and more on a table larger than memory, where each such insert reads a page from disk and
    // writes a full-page image to the WAL after every checkpoint. An operation that finds
    // messages by id would add an index on (conversation_id, id) in its own migration.
    sql: `ALTER TABLE socketkit_messages DROP CONSTRAINT IF EXISTS socketkit_messages_id_key;`,
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
  'socketkit_messages', 'socketkit_messages_pkey',
  // Migration 4 (inbox).
  'socketkit_notifications', 'socketkit_notifications_pkey', 'socketkit_notifications_id_key',
];
/** Columns added to existing tables by later migrations (`table.column`): they hold data, so a lost one is not made again. */
const REQUIRED_COLUMNS = ['socketkit_participants.last_read_seq'];
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
  {
    check: 'socketkit_append_messages(text[], text[], text[], text[], text[], timestamptz[])',
    kind: 'procedure',
    // Migration 3's function (group commit), made again.
    sql: MIGRATIONS.find((migration) => migration.version === 3)!.sql,
  },
  {
    check: 'socketkit_send_messages(text[], text[], text[], text[], text[], timestamptz[], boolean)',
    kind: 'procedure',
    // Migration 6's function (the append with the senders' read cursors, skipping locked conversations), made again.
    sql: MIGRATIONS.find((migration) => migration.version === 6)!.sql,
  },
  {
    check: 'socketkit_send_messages_optimistic(text[], text[], text[], text[], text[], timestamptz[], boolean)',
    kind: 'procedure',
    // Migration 7's function (insert first, migration 6's function when a key is taken), made again.
    sql: MIGRATIONS.find((migration) => migration.version === 7)!.sql,
  },
  { check: 'socketkit_participants_user', kind: 'class', sql: 'CREATE INDEX socketkit_participants_user ON socketkit_participants (user_id)' },
  // Migration 4's indexes (inbox).
  {
    check: 'socketkit_notifications_user',
    kind: 'class',
    sql: 'CREATE INDEX socketkit_notifications_user ON socketkit_notifications (user_id, ord DESC)',
  },
  {
    check: 'socketkit_notifications_unread',
    kind: 'class',
    sql: 'CREATE INDEX socketkit_notifications_unread ON socketkit_notifications (user_id, ord DESC) WHERE read_at IS NULL',
  },
];

/**
 * Checks that every table, column, key, index and function of the schema exists
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
  const { rows: columns } = await tx.query<{ name: string }>(
    `SELECT name FROM unnest($1::text[]) AS name
     WHERE NOT EXISTS (
       SELECT 1 FROM information_schema.columns c
       WHERE c.table_schema = current_schema() AND c.table_name || '.' || c.column_name = name
     )`,
    [REQUIRED_COLUMNS],
  );
  for (const row of columns) if (!missing.includes(row.name.split('.')[0]!)) missing.push(`the column ${row.name}`);
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
