/**
 * What PostgreSQL's own CPU costs per statement on the connect path (issue
 * 22: where the database's share of the `store-postgres-storm` scenario
 * goes), by the batch size of a storm.
 *
 *   node --import tsx bench/profile-connect-statements.ts [--batch 7] [--users 5000]
 *
 * Starts PostgreSQL 15 (tests/support/postgres.ts, fsync on) in a temporary
 * directory, makes `--users` users in conversations of 20 (the storm's
 * shape), then for each statement runs `--users / --batch` of them back to
 * back on one connection, each for the next `--batch` users (a second set
 * of users is made for the joint statement, after the others ran on the
 * storm's table), and reads the
 * backend's CPU time from /proc/PID/stat (utime + stime, 10 ms ticks) before
 * and after: parse, plan, execute, WAL and commit, no network or Node.js.
 * Statements:
 * - `contacts, self-join`: the participants joined to themselves, what the
 *   SQL store asked before the fifth pass (on a table this small PostgreSQL
 *   reads every participant row for it: a hash join over a seq scan);
 * - `conversation ids`: what it asks now (the participants' user index), the
 *   participants then coming from its conversation cache;
 * - `upsert, new users` and `upsert, unchanged users`: `upsertUsers`;
 * - `upsert + conversation ids, new users`: the one statement per batch the
 *   store sends now (`runConnectBatch`), for users never seen;
 * - `SELECT 1`: the floor of any statement.
 * Prints µs per statement; nothing is written.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { postgresDatabase } from '../src/server/sql/postgres.js';
import { createSqlStore } from '../src/server/sql/sql-store.js';
import { lookUpConversationIds, runConnectBatch, upsertUsers } from '../src/server/sql/users.js';
import { startPostgres } from '../tests/support/postgres.js';

const { values } = parseArgs({ options: { batch: { type: 'string', default: '7' }, users: { type: 'string', default: '5000' } } });
const BATCH = Number(values.batch);
const USERS = Number(values.users);

/** CPU time of a process so far, in ms (utime + stime from /proc/PID/stat, ticks of 10 ms). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const SELF_JOIN_CONTACTS = `SELECT mine.user_id, array_agg(DISTINCT other.user_id) AS ids
  FROM socketkit_participants mine JOIN socketkit_participants other ON other.conversation_id = mine.conversation_id
  WHERE mine.user_id = ANY ($1::text[]) GROUP BY mine.user_id`;

const database = await startPostgres({ fsync: true });
try {
  const pool = new pg.Pool({ connectionString: await database.createDatabase(), max: 1 });
  const store = await createSqlStore(postgresDatabase(pool));
  const users = (prefix: string) => Array.from({ length: USERS }, (_, i) => `${prefix}-${i}`);
  const storm = users('user');
  const fresh = users('fresh');
  const converse = async (ids: string[]) => {
    for (let at = 0; at < USERS; at += 20) await store.createConversation({ createdBy: ids[at]!, title: null, participantIds: ids.slice(at, at + 20) });
  };
  await converse(storm);
  // A pool of one connection: every statement runs on the backend measured.
  const db = postgresDatabase(pool);
  const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const pid = rows[0]!.pid;
  const measure = async (name: string, ids: string[], statement: (batch: string[]) => Promise<unknown>) => {
    let statements = 0;
    const cpuBefore = processCpuMs(pid);
    for (let at = 0; at + BATCH <= ids.length; at += BATCH, statements++) await statement(ids.slice(at, at + BATCH));
    console.log(`${name.padEnd(40)} ${statements} statements of ${BATCH}: PostgreSQL CPU ${(((processCpuMs(pid) - cpuBefore) * 1000) / statements).toFixed(0).padStart(5)} µs per statement`);
  };
  try {
    await measure('contacts, self-join', storm, (batch) => db.query(SELF_JOIN_CONTACTS, [batch]));
    await measure('conversation ids', storm, (batch) => lookUpConversationIds(db, batch));
    await measure('upsert, new users', storm, (batch) => upsertUsers(db, batch.map((id) => ({ id }))));
    await measure('upsert, unchanged users', storm, (batch) => upsertUsers(db, batch.map((id) => ({ id }))));
    // The second set of users only now, so that the statements above saw the storm's table (5,000 participants).
    await converse(fresh);
    await measure('upsert + conversation ids, new users', fresh, (batch) =>
      runConnectBatch(db, batch.flatMap((id) => [{ profile: { id } }, { conversationsOf: id }])),
    );
    await measure('SELECT 1', storm, () => db.query('SELECT 1'));
  } finally {
    await pool.end();
  }
} finally {
  await database.stop();
}
