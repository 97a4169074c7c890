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
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { SqlDatabase, SqlExecutor } from './database.js';
import { createSqlStore, type SqlStore } from './sql-store.js';

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

/** The file that marks a data directory as open, holding the PID of the process that has it. */
export const LOCK_FILE = 'socketkit.lock';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims `dataDir` for this process. PGlite does not guard its files
 * against a second process, and two writers would corrupt them: a live
 * process in the lock file makes this throw. A lock left by a process that
 * died (SIGKILL, power loss) is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, LOCK_FILE);
  for (;;) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readFileSync(path, 'utf8').trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && processAlive(holder)) {
      throw new Error(`The data directory ${dataDir} is in use by process ${holder} (${path})`);
    }
    rmSync(path, { force: true });
  }
}

/**
 * The database in `dataDir` as the SQL store sees it (opened, or created,
 * and locked for this process; not migrated). `createEmbeddedStore` is this
 * plus the store; the tests open it alone to put a fault between the store
 * and the database. Rejects when the directory cannot be created or opened,
 * or a live process has it open.
 */
export async function openEmbeddedDatabase(options: EmbeddedStoreOptions): Promise<SqlDatabase> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const { PGlite } = await loadPGlite();
  const unlock = lockDataDir(dataDir);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(join(dataDir, 'pgdata'));
  } catch (error) {
    unlock();
    throw error;
  }
  let closed: Promise<void> | null = null;
  return {
    ...executor(pglite),
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
 * process exits. Rejects when the directory cannot be created or opened, or a live process has it open.
 */
export async function createEmbeddedStore(options: EmbeddedStoreOptions): Promise<SqlStore> {
  const db = await openEmbeddedDatabase(options);
  try {
    return await createSqlStore(db);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}
