/**
 * `socketkit/server/embedded`: a durable store in a directory, with nothing
 * else to run. It is PGlite (PostgreSQL compiled to WebAssembly, the
 * `@electric-sql/pglite` package, an optional peer dependency) keeping its
 * files in that directory, so the same SQL as the PostgreSQL store serves
 * both: one implementation, one schema, one conformance suite.
 *
 * @example
 * const store = await createEmbeddedStore({ dataDir: './socketkit-data' });
 * const socketkit = createSocketkitServer(httpServer, { store });
 * // on shutdown, after socketkit.close():
 * await store.close();
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { SqlDatabase, SqlExecutor } from './database.js';
import { createSqlStore, type SqlStore } from './sql-store.js';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.js';
import { dataDirProblem } from './data-dir-problems.js';
import { describeCause, StartupError } from '../startup-error.js';

export type { SqlStore } from './sql-store.js';

/** Options of `createEmbeddedStore`. */
export interface EmbeddedStoreOptions {
  /** Directory of the database files, created if missing; relative to the working directory. One process at a time. */
  dataDir: string;
}

function executor(db: Pick<PGlite | Transaction, 'query' | 'exec'>): SqlExecutor {
  return {
    async query<Row>(text: string, params?: readonly unknown[]) {
      const result = await db.query<Row>(text, params as unknown[] | undefined);
      return { rows: result.rows };
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
  };
}

async function loadPGlite(): Promise<typeof import('@electric-sql/pglite')> {
  try {
    return await import('@electric-sql/pglite');
  } catch (error) {
    throw new Error(
      'The embedded store needs the optional package @electric-sql/pglite: npm install @electric-sql/pglite',
      { cause: error },
    );
  }
}

/** Whatever fails, say what is wrong with the directory when something is (read-only, full disk). */
function explainFailure(dataDir: string, error: unknown): unknown {
  if (error instanceof StartupError || error instanceof DataDirLockedError) return error;
  return dataDirProblem(dataDir, error) ?? (error instanceof Error ? error : new Error(describeCause(error), { cause: error }));
}

/**
 * The database in `dataDir` as the SQL store sees it (opened, or created,
 * and locked for this process; not migrated). `createEmbeddedStore` is this
 * plus the store; the tests open it alone to put a fault between the store
 * and the database. Rejects with a `StartupError` when the directory cannot
 * be written (`DATA_DIR_UNWRITABLE`), its disk is full (`DISK_FULL`) or a
 * live process has it open (`DATA_DIR_LOCKED`; see data-dir-lock.ts).
 */
export async function openEmbeddedDatabase(options: EmbeddedStoreOptions): Promise<SqlDatabase> {
  const dataDir = resolve(options.dataDir);
  const explain = (error: unknown) => explainFailure(dataDir, error);
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw explain(error);
  }
  const { PGlite } = await loadPGlite();
  // PGlite does not guard its files against a second process, and two writers would corrupt them.
  let unlock: () => Promise<void>;
  try {
    unlock = await lockDataDir(dataDir);
  } catch (error) {
    throw error instanceof DataDirLockedError ? new StartupError('DATA_DIR_LOCKED', error.message, { cause: error }) : explain(error);
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(join(dataDir, 'pgdata'));
  } catch (error) {
    await unlock();
    throw explain(error);
  }
  let closed: Promise<void> | null = null;
  return {
    ...executor(pglite),
    connections: 1,
    // PGlite is one connection: a transaction holds it, other statements wait for it.
    transaction: (fn) => pglite.transaction((tx) => fn(executor(tx))),
    async ping() {
      await pglite.query('SELECT 1');
    },
    close: () => (closed ??= pglite.close().finally(unlock)),
  };
}

/**
 * Opens (or creates) the database in `dataDir`, migrates the schema and
 * returns the store. `store.close()` closes the database; call it before the
 * process exits. Rejects as `openEmbeddedDatabase` does, and when the schema cannot be migrated.
 */
export async function createEmbeddedStore(options: EmbeddedStoreOptions): Promise<SqlStore> {
  const db = await openEmbeddedDatabase(options);
  try {
    return await createSqlStore(db);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw explainFailure(resolve(options.dataDir), error);
  }
}
