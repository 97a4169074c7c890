/**
 * `socketkit/server/postgres`: the PostgreSQL store, over a node-postgres
 * pool you create (the `pg` package is an optional peer dependency).
 *
 * @example
 * import pg from 'pg';
 * import { createSocketkitServer } from 'socketkit/server';
 * import { createPostgresStore } from 'socketkit/server/postgres';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const store = await createPostgresStore({ pool });
 * const socketkit = createSocketkitServer(httpServer, { store });
 */
import type { Pool, PoolClient } from 'pg';
import type { SqlDatabase, SqlExecutor } from './database.js';
import { createSqlStore, type SqlStore } from './sql-store.js';

export type { SqlStore } from './sql-store.js';

/** Options of `createPostgresStore`. */
export interface PostgresStoreOptions {
  /**
   * A node-postgres `Pool` (or anything with its `query` and `connect`).
   * The store never ends it: `store.close()` leaves it open, end it yourself.
   */
  pool: Pick<Pool, 'query' | 'connect'>;
}

function executor(client: Pick<PoolClient, 'query'> | Pick<Pool, 'query'>): SqlExecutor {
  return {
    async query<Row>(text: string, params?: readonly unknown[]) {
      const result = await client.query(text, params as unknown[] | undefined);
      return { rows: result.rows as Row[] };
    },
    async exec(sql: string) {
      // No parameters: node-postgres uses the simple query protocol, which runs several statements.
      await client.query(sql);
    },
  };
}

/** The pool as the SQL store's database. */
export function postgresDatabase(pool: PostgresStoreOptions['pool']): SqlDatabase {
  return {
    ...executor(pool),
    // node-postgres keeps its settings in `options`; a pool's default max is 10.
    connections: (pool as { options?: { max?: number } }).options?.max ?? 10,
    async transaction(fn) {
      const client = await pool.connect();
      let broken = false;
      // A connection terminated while checked out emits 'error' on the client; the pool only
      // listens while it is idle, so without this a user's pool would crash the process.
      // The statement in flight fails with its own error, which the caller sees.
      const onError = () => {
        broken = true;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await fn(executor(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        if (!broken) {
          try {
            await client.query('ROLLBACK');
          } catch {
            // The connection itself failed: do not hand it back to the pool.
            broken = true;
          }
        }
        throw error;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    close: () => Promise.resolve(),
  };
}

/**
 * Creates or migrates the schema (tables `socketkit_*`, under an advisory
 * lock, so several processes may start at once) and returns the store.
 * Rejects when the database cannot be reached or a migration fails.
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<SqlStore> {
  // A conversation is in at most one batch in flight (append-batches.ts): a busy or locked
  // conversation holds at most one pooled connection, its other sends wait in memory, holding nothing.
  return createSqlStore(postgresDatabase(options.pool));
}
