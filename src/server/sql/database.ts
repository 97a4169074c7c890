/**
 * The little the SQL store needs from a PostgreSQL connection, so one SQL
 * implementation serves both node-postgres (`pg.Pool`) and PGlite (the
 * embedded store): parameterised queries, a multi-statement script, and
 * transactions that hold one connection.
 */

/** Rows of one statement. */
export interface SqlResult<Row> {
  rows: Row[];
}

/** Runs statements on one connection (a transaction's, or any pooled one). */
export interface SqlExecutor {
  /** One statement with `$1…` parameters. */
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<SqlResult<Row>>;
  /** A script of several statements, no parameters. */
  exec(sql: string): Promise<void>;
}

/** A database: statements anywhere, transactions on one connection. */
export interface SqlDatabase extends SqlExecutor {
  /** How many statements it runs at once: its connections (a pool's `max`; 1 for PGlite). */
  readonly connections: number;
  /**
   * Runs `fn` between BEGIN and COMMIT on one connection; ROLLBACK and
   * rethrow when it throws.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Answers when the database does (`SELECT 1`); rejects otherwise. */
  ping(): Promise<void>;
  /** Releases what this adapter opened itself (not a pool the user gave). */
  close(): Promise<void>;
}
