/** The node-postgres pool the `socketkit-server` command makes for `--database-url`. */
import type { Pool } from 'pg';
import type { SocketkitLogger } from '../logger.js';

/**
 * A pool for `databaseUrl`. Idle clients that lose their connection (the
 * database restarted) are logged and replaced instead of crashing the
 * process. Rejects when the optional `pg` package is not installed.
 */
export async function createPostgresPool(databaseUrl: string, logger: SocketkitLogger): Promise<Pool> {
  let PoolClass: typeof Pool;
  try {
    PoolClass = (await import('pg')).default.Pool;
  } catch (error) {
    throw new Error('--database-url needs the optional package pg: npm install pg', { cause: error });
  }
  const pool = new PoolClass({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  pool.on('error', (error) => logger.error('PostgreSQL connection lost (the pool reconnects on next use)', error));
  return pool;
}
