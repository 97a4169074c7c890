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
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { SqlDatabase, SqlExecutor } from './database.js';
import type { CrossedError, EmbeddedOperation, EmbeddedReply, EmbeddedRequest } from './embedded-worker.js';
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

/** Options of `openEmbeddedDatabase`: the store's, plus where the engine runs. */
export interface EmbeddedDatabaseOptions extends EmbeddedStoreOptions {
  /**
   * `'worker'` (default): PGlite runs in a worker thread of its own
   * (embedded-worker.ts), so its engine's CPU never holds up the server's
   * event loop. `'main'`: in the calling thread (bench/profile-embedded.ts
   * profiles the engine there).
   */
  thread?: 'worker' | 'main';
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

/** An error from the worker thread, with its own fields back on it (`code`, `detail`, `errno`, …). */
function uncross(crossed: CrossedError): Error {
  const error = new Error(crossed.message);
  error.name = crossed.name;
  return Object.assign(error, crossed.fields);
}

/**
 * Starts embedded-worker as a thread. Built (tsup, the bench bundle), it is
 * the .js file next to this one. From source (tsx, vitest) it is the .ts file
 * next to this one, which a worker can load only through tsx: the thread
 * registers tsx's loader first (Node 20 does not pass `--import` hooks on to
 * workers) and then imports the file. tsx is a development dependency, and
 * source is run only in development.
 */
function startWorker(pgdata: string): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./embedded-worker.js', import.meta.url), { workerData: { pgdata } });
  // tsx's ESM API (`register()`), found through its package.json: require.resolve would give its CommonJS build.
  const require = createRequire(import.meta.url);
  const tsxPackage = require.resolve('tsx/package.json');
  const { exports } = require('tsx/package.json') as { exports: Record<string, { import: { default: string } }> };
  const tsx = pathToFileURL(join(dirname(tsxPackage), exports['./esm/api']!.import.default)).href;
  const source = new URL('./embedded-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: { pgdata } });
}

/**
 * PGlite in a worker thread (embedded-worker.ts), seen as the SQL store's
 * database. Statements and transactions run one at a time, in call order: a
 * transaction holds the database from BEGIN to COMMIT (or ROLLBACK), as it
 * holds PGlite's one connection. The worker keeps the process alive only
 * while a request is in flight. If the thread dies, every pending and later
 * request rejects naming it.
 */
async function openInWorker(pgdata: string): Promise<Omit<SqlDatabase, 'close'> & { close(): Promise<void> }> {
  const worker = startWorker(pgdata);
  const pending = new Map<number, { resolve(rows: unknown[] | undefined): void; reject(error: unknown): void }>();
  let nextId = 1;
  let stopped: Error | null = null;
  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (reply: EmbeddedReply) => {
      if (reply.type === 'ready') resolve();
      else if (reply.type === 'failed') reject(uncross(reply.error));
      else {
        const request = pending.get(reply.id);
        pending.delete(reply.id);
        if (pending.size === 0) worker.unref();
        if ('error' in reply) request?.reject(uncross(reply.error));
        else request?.resolve(reply.rows);
      }
    });
    const stop = (error: Error) => {
      stopped ??= error;
      reject(stopped);
      for (const request of pending.values()) request.reject(stopped);
      pending.clear();
    };
    worker.on('error', (error) => stop(new Error(`The embedded database's thread failed: ${describeCause(error)}`, { cause: error })));
    // A reply that cannot be read back would leave its request waiting for good: treat it as the thread's failure.
    worker.on('messageerror', (error) => {
      stop(new Error(`The embedded database's thread sent a reply that cannot be read: ${describeCause(error)}`, { cause: error }));
      void worker.terminate();
    });
    worker.on('exit', (code) => stop(new Error(`The embedded database's thread stopped (exit code ${code})`)));
  });
  try {
    await ready;
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  worker.unref();

  const send = (operation: EmbeddedOperation): Promise<unknown[] | undefined> =>
    new Promise((resolve, reject) => {
      if (stopped) return reject(stopped);
      const id = nextId++;
      try {
        // Throws for a parameter that cannot be copied to the thread (a function, a class instance).
        const request: EmbeddedRequest = { ...operation, id };
        worker.postMessage(request);
      } catch (error) {
        reject(error);
        return;
      }
      pending.set(id, { resolve, reject });
      worker.ref();
    });
  const executor: SqlExecutor = {
    async query<Row>(text: string, params?: readonly unknown[]) {
      return { rows: ((await send({ op: 'query', text, params: params as unknown[] | undefined })) ?? []) as Row[] };
    },
    async exec(sql: string) {
      await send({ op: 'exec', sql });
    },
  };
  // Statements and transactions in call order, one at a time (the worker runs what it is sent in order;
  // a transaction must not let another statement in between its BEGIN and its COMMIT).
  let tail: Promise<unknown> = Promise.resolve();
  const serially = <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
  return {
    query: (text, params) => serially(() => executor.query(text, params)),
    exec: (sql) => serially(() => executor.exec(sql)),
    connections: 1,
    transaction: (fn) =>
      serially(async () => {
        // The transaction's own executor refuses statements once it has ended (as PGlite's does),
        // so a kept reference cannot slip a statement into a later transaction.
        let open = true;
        const ended = () => Promise.reject(new Error('This transaction has ended'));
        const tx: SqlExecutor = {
          query: (text, params) => (open ? executor.query(text, params) : ended()),
          exec: (sql) => (open ? executor.exec(sql) : ended()),
        };
        await executor.exec('BEGIN');
        try {
          const result = await fn(tx);
          await executor.exec('COMMIT');
          return result;
        } catch (error) {
          await executor.exec('ROLLBACK').catch(() => undefined);
          throw error;
        } finally {
          open = false;
        }
      }),
    ping: () => serially(async () => void (await executor.query('SELECT 1'))),
    close: () =>
      serially(async () => {
        try {
          if (!stopped) await send({ op: 'close' });
        } finally {
          // Whatever PGlite's close said, the thread ends here, and every later request fails at once.
          stopped ??= new Error('The embedded database is closed (its thread stopped)');
          await worker.terminate();
        }
      }),
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
export async function openEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<SqlDatabase> {
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
  if (options.thread !== 'main') {
    let database: Awaited<ReturnType<typeof openInWorker>>;
    try {
      database = await openInWorker(join(dataDir, 'pgdata'));
    } catch (error) {
      await unlock();
      throw explain(error);
    }
    let closing: Promise<void> | null = null;
    return { ...database, close: () => (closing ??= database.close().finally(unlock)) };
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
