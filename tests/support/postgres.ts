/**
 * A throwaway PostgreSQL 15 for tests: `initdb` in a temporary directory,
 * `pg_ctl start` on a random free port (listening on 127.0.0.1 and a socket
 * in that directory, trust authentication), stopped by its PID and deleted at
 * the end. Debian's binaries in /usr/lib/postgresql/15/bin (`.ci/run`
 * installs postgresql-15 where they are missing). PostgreSQL refuses to run
 * as root, so when the tests run as root the server runs as `postgres`.
 *
 * @example
 * const pg = await startPostgres();
 * const url = await pg.createDatabase(); // a fresh database per suite
 * // … new pg.Pool({ connectionString: url }) …
 * await pg.stop();
 */
import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './net.js';
import { isProcessAlive } from './process.js';

const run = promisify(execFile);

/** Where Debian puts the PostgreSQL 15 binaries; `POSTGRES_BIN` overrides it. */
export const POSTGRES_BIN = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

/** A running test PostgreSQL. */
export interface TestPostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  url: string;
  port: number;
  /** The cluster's directory (data in `data/`, the log in `log`). */
  dir: string;
  /** PID of the postmaster. */
  pid: number;
  /** Creates a new empty database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server (fast shutdown, by PID) and deletes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a PostgreSQL binary, as `postgres` when we are root. */
async function pgBinary(name: string, args: string[]): Promise<string> {
  const binary = join(POSTGRES_BIN, name);
  const [file, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
  const { stdout } = await run(file, argv, { timeout: 120_000 });
  return stdout;
}


let databases = 0;

/** Options of `startPostgres`. */
export interface StartPostgresOptions {
  /**
   * Flush commits to disk (PostgreSQL's default). Default `false`: tests
   * need no protection from power loss and run faster; a benchmark of the
   * write path turns it on to measure what a deployment pays.
   */
  fsync?: boolean;
}

/** Starts a fresh PostgreSQL. Rejects (with the server log) when it does not come up. */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'socketkit-pg-'));
  if (isRoot()) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = join(dir, 'data');
  const log = join(dir, 'log');
  await pgBinary('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);

  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=${options.fsync ? 'on' : 'off'} -c max_connections=200`;
    try {
      await pgBinary('pg_ctl', ['-D', data, '-l', log, '-o', serverOptions, '-w', '-t', '60', 'start']);
      break;
    } catch (error) {
      // Another process took the port between freePort() and the bind: try another.
      if (attempt >= 2) {
        let text = '';
        try {
          text = readFileSync(log, 'utf8');
        } catch {
          // no log yet
        }
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`PostgreSQL did not start: ${String(error)}\n${text}`);
      }
    }
  }
  const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;

  let stopped: Promise<void> | null = null;
  const stop = () =>
    (stopped ??= (async () => {
      // SIGINT is PostgreSQL's "fast" shutdown: roll back open transactions, close connections, exit.
      if (isProcessAlive(pid)) process.kill(pid, 'SIGINT');
      const deadline = Date.now() + 30_000;
      while (isProcessAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    })());

  const createDatabase = async (name = `socketkit_test_${process.pid}_${++databases}`) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    } finally {
      await client.end();
    }
    return `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(name)}`;
  };

  return { url, port, dir, pid, createDatabase, stop };
}
