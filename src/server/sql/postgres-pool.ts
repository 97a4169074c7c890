/** The node-postgres pool the `socketkit-server` command makes for `--database-url`. */
import type { Pool, PoolConfig } from 'pg';
import type { SocketkitLogger } from '../logger.js';

/**
 * Every wait of the command's pools has a bound (docs/deploy.md, "PostgreSQL"),
 * so a database that vanished without closing its connections (a failover, a
 * network partition) costs seconds, not the pool: a connection that does not
 * answer within `query_timeout` is destroyed and replaced on next use.
 *
 * - `connectionTimeoutMillis`: connecting (and waiting for a free client) gives up after 5 s.
 * - `statement_timeout` / `lock_timeout` (PostgreSQL settings): a statement is cancelled
 *   after 5 s, a wait for a row lock (one busy conversation) after 2 s.
 * - `query_timeout` (client side): a query with no answer in 7 s fails and its connection is
 *   destroyed; this is what catches a server that vanished, which cannot cancel anything.
 * - `keepAlive`: TCP keep-alive, so the kernel too finds a dead peer of an idle connection.
 * - `idleTimeoutMillis`: an idle connection is closed after 30 s.
 */
export const POOL_TIMEOUTS = {
  connectionTimeoutMillis: 5000,
  statement_timeout: 5000,
  lock_timeout: 2000,
  query_timeout: 7000,
  keepAlive: true,
  keepAliveInitialDelayMillis: 10_000,
  idleTimeoutMillis: 30_000,
} as const satisfies PoolConfig;

async function loadPool(): Promise<typeof Pool> {
  try {
    return (await import('pg')).default.Pool;
  } catch (error) {
    throw new Error('--database-url needs the optional package pg: npm install pg', { cause: error });
  }
}

/**
 * A pool for `databaseUrl` with the bounds of `POOL_TIMEOUTS`. Every client's
 * errors are handled, idle or checked out (a connection terminated during a
 * transaction fails that request, never the process); the client is then
 * replaced on next use. `overrides` (e.g. `{ max: 1 }`) win over the defaults.
 * Rejects when the optional `pg` package is not installed.
 */
export async function createPostgresPool(databaseUrl: string, logger: SocketkitLogger, overrides: PoolConfig = {}): Promise<Pool> {
  const PoolClass = await loadPool();
  const pool = new PoolClass({ connectionString: databaseUrl, ...POOL_TIMEOUTS, ...overrides });
  pool.on('error', (error) => logger.error('PostgreSQL connection lost (the pool reconnects on next use)', error));
  // The pool listens only to its idle clients; this listener covers the checked-out ones too,
  // whose request then fails with the query's own error.
  pool.on('connect', (client) => client.on('error', (error) => logger.warn(`PostgreSQL connection lost: ${error.message}`)));
  return pool;
}
