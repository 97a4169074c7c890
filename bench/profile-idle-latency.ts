/**
 * What a round trip to PostgreSQL costs when the database was idle, against
 * the same round trip back to back (issue 22: why the ack at light load stays
 * above 2× the memory store's on this machine).
 *
 *   node --import tsx bench/profile-idle-latency.ts [--fsync off]
 *
 * Starts PostgreSQL 15 (tests/support/postgres.ts; fsync on unless `--fsync off`)
 * in a temporary directory, makes the schema, and times three statements over
 * one pooled connection, 200 times each, first back to back, then with 20 ms
 * of idle time before each (the light-load bench sends 100 messages/s in all,
 * so the database sleeps between sends): `SELECT 1` (the round trip alone),
 * a one-row insert with its commit, and one send (`socketkit_send_messages_optimistic`,
 * migration 7, of one message). Prints the medians and writes them to
 * bench/results/idle-latency.json.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startPostgres } from '../tests/support/postgres.js';
import { postgresDatabase } from '../src/server/sql/postgres.js';
import { createSqlStore } from '../src/server/sql/sql-store.js';
import { median } from './lib/stats.js';

const { values } = parseArgs({ options: { fsync: { type: 'string', default: 'on' } } });
const fsync = values.fsync !== 'off';
const database = await startPostgres({ fsync });
const results: Record<string, { backToBackMs: number; afterIdleMs: number }> = {};
try {
  const pool = new pg.Pool({ connectionString: await database.createDatabase(), max: 1 });
  const store = await createSqlStore(postgresDatabase(pool));
  const conversation = (await store.createConversation({ createdBy: 'u', title: null, participantIds: ['u', 'v'] })).id;
  const statements: [string, () => Promise<unknown>][] = [
    ['SELECT 1', () => pool.query('SELECT 1')],
    ['one-row insert and commit', () => pool.query("INSERT INTO socketkit_meta (key, value) VALUES ($1, 'x')", [randomUUID()])],
    [
      'one send (socketkit_send_messages_optimistic, one message)',
      () =>
        pool.query('SELECT * FROM socketkit_send_messages_optimistic($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], false)', [
          [conversation],
          ['u'],
          ['hello'],
          [randomUUID()],
          [randomUUID()],
          [new Date().toISOString()],
        ]),
    ],
  ];
  const time = async (run: () => Promise<unknown>, idleMs: number) => {
    const ms: number[] = [];
    for (let i = 0; i < 200; i++) {
      if (idleMs > 0) await new Promise((resolve) => setTimeout(resolve, idleMs));
      const startedAt = performance.now();
      await run();
      ms.push(performance.now() - startedAt);
    }
    return median(ms);
  };
  for (const [name, run] of statements) {
    await time(run, 0); // warm-up
    results[name] = { backToBackMs: await time(run, 0), afterIdleMs: await time(run, 20) };
    console.log(`${name.padEnd(48)} back to back ${results[name].backToBackMs.toFixed(3)} ms   after 20 ms idle ${results[name].afterIdleMs.toFixed(3)} ms`);
  }
  await pool.end();
} finally {
  await database.stop();
}
writeFileSync(new URL('./results/idle-latency.json', import.meta.url), `${JSON.stringify({ at: new Date().toISOString(), fsync, results }, null, 2)}\n`);
