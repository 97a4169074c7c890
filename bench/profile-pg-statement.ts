/**
 * What PostgreSQL's own CPU per message costs for the batch append (issue 22:
 * where the database's share of a saturated `store-postgres` round goes).
 *
 *   node --import tsx bench/profile-pg-statement.ts [--conversations 20] [--per 3] [--statements 300] [--rounds 2]
 *
 * Starts PostgreSQL 15 (tests/support/postgres.ts, fsync on) in a temporary
 * directory and, for each variant, a fresh database with the schema and
 * `--conversations` conversations of two. One connection then runs
 * `--statements` batches back to back, each with `--per` new messages per
 * conversation (the saturated bench's shape: 20 senders, a few sends each per
 * batch), after 30 batches of warm-up. It reads the backend's CPU time from
 * /proc/PID/stat (utime + stime, 10 ms ticks) before and after, so the figure
 * is the database's work alone: parse, plan, execute, WAL, commit. Variants:
 * - `insert only`: one INSERT … SELECT FROM unnest of the same rows with their
 *   seqs computed by the caller: the floor for this table and its indexes.
 * - `migration 6`: `socketkit_send_messages` (every key probed, then inserted).
 * - `migration 7`: `socketkit_send_messages_optimistic` (inserted, keys checked by the unique index),
 *   sent as an unnamed statement (parsed and planned every time).
 * - `migration 7, prepared`: the same as a named statement kept prepared on
 *   the connection: what parsing and planning the call costs per batch. The
 *   store sends it unnamed (docs/performance.md, "Fourth pass": why).
 * - `migration 7, with the id index`: the same on the schema before migration
 *   8, which dropped the unique index on `socketkit_messages.id`.
 * - `migration 7, no foreign key`: the same without the foreign key to the
 *   conversation (what that guarantee costs; not what ships).
 * Rounds alternate the variants. Prints µs per message and writes
 * bench/results/pg-statement-cost.json.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startPostgres } from '../tests/support/postgres.js';
import { postgresDatabase } from '../src/server/sql/postgres.js';
import { createSqlStore } from '../src/server/sql/sql-store.js';
import { median } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    conversations: { type: 'string', default: '20' },
    per: { type: 'string', default: '3' },
    statements: { type: 'string', default: '300' },
    rounds: { type: 'string', default: '2' },
  },
});
const CONVERSATIONS = Number(values.conversations);
const PER_CONVERSATION = Number(values.per);
const STATEMENTS = Number(values.statements);
const ROUNDS = Number(values.rounds);

type Variant = { name: string; schemaChange?: string; statement: 'insert' | 'migration6' | 'migration7' | 'migration7-prepared' };
const VARIANTS: Variant[] = [
  { name: 'insert only', statement: 'insert' },
  { name: 'migration 6', statement: 'migration6' },
  { name: 'migration 7', statement: 'migration7' },
  { name: 'migration 7, prepared', statement: 'migration7-prepared' },
  {
    name: 'migration 7, with the id index',
    statement: 'migration7',
    schemaChange: 'ALTER TABLE socketkit_messages ADD CONSTRAINT socketkit_messages_id_key UNIQUE (id)',
  },
  {
    name: 'migration 7, no foreign key',
    statement: 'migration7',
    schemaChange: 'ALTER TABLE socketkit_messages DROP CONSTRAINT socketkit_messages_conversation_id_fkey',
  },
];

/** CPU time of a process so far, in ms (utime + stime from /proc/PID/stat, ticks of 10 ms). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const SEND = (fn: string) => `SELECT * FROM ${fn}($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], false)`;
const INSERT_ONLY = `INSERT INTO socketkit_messages (conversation_id, sender_id, content, client_message_id, id, created_at, seq)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::bigint[])`;

async function measure(database: Awaited<ReturnType<typeof startPostgres>>, variant: Variant): Promise<{ cpuUsPerMessage: number; wallUsPerMessage: number }> {
  const pool = new pg.Pool({ connectionString: await database.createDatabase(), max: 1 });
  try {
    const store = await createSqlStore(postgresDatabase(pool));
    const conversations: string[] = [];
    for (let i = 0; i < CONVERSATIONS; i++) {
      conversations.push((await store.createConversation({ createdBy: `sender${i}`, title: null, participantIds: [`sender${i}`, `reader${i}`] })).id);
    }
    if (variant.schemaChange) await pool.query(variant.schemaChange);
    const client = await pool.connect();
    const lastSeq = new Map<string, number>();
    const batch = async () => {
      const columns: string[][] = [[], [], [], [], [], []];
      const seqs: number[] = [];
      const createdAt = new Date().toISOString();
      for (let p = 0; p < PER_CONVERSATION; p++) {
        for (let c = 0; c < CONVERSATIONS; c++) {
          const conversation = conversations[c]!;
          const row = [conversation, `sender${c}`, `message ${p} of an ordinary length, a sentence or so`, randomUUID(), randomUUID(), createdAt];
          row.forEach((value, i) => columns[i]!.push(value));
          const seq = (lastSeq.get(conversation) ?? 0) + 1;
          lastSeq.set(conversation, seq);
          seqs.push(seq);
        }
      }
      if (variant.statement === 'insert') await client.query(INSERT_ONLY, [...columns, seqs]);
      else if (variant.statement === 'migration7-prepared') await client.query({ name: 'socketkit_send_messages', text: SEND('socketkit_send_messages_optimistic'), values: columns });
      else await client.query(SEND(variant.statement === 'migration6' ? 'socketkit_send_messages' : 'socketkit_send_messages_optimistic'), columns);
    };
    try {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const pid = rows[0]!.pid;
      for (let i = 0; i < 30; i++) await batch();
      const cpuBefore = processCpuMs(pid);
      const startedAt = performance.now();
      for (let i = 0; i < STATEMENTS; i++) await batch();
      const wallMs = performance.now() - startedAt;
      const messages = STATEMENTS * CONVERSATIONS * PER_CONVERSATION;
      return { cpuUsPerMessage: ((processCpuMs(pid) - cpuBefore) * 1000) / messages, wallUsPerMessage: (wallMs * 1000) / messages };
    } finally {
      client.release();
    }
  } finally {
    await pool.end();
  }
}

const database = await startPostgres({ fsync: true });
const samples = new Map<string, { cpu: number[]; wall: number[] }>(VARIANTS.map((v) => [v.name, { cpu: [], wall: [] }]));
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of VARIANTS) {
      const result = await measure(database, variant);
      samples.get(variant.name)!.cpu.push(result.cpuUsPerMessage);
      samples.get(variant.name)!.wall.push(result.wallUsPerMessage);
      console.log(`round ${round + 1}  ${variant.name.padEnd(30)} PostgreSQL CPU ${result.cpuUsPerMessage.toFixed(1).padStart(5)} µs/msg   wall ${result.wallUsPerMessage.toFixed(1).padStart(5)} µs/msg`);
    }
  }
} finally {
  await database.stop();
}
const results = Object.fromEntries(
  [...samples].map(([name, s]) => [name, { cpuUsPerMessage: median(s.cpu), wallUsPerMessage: median(s.wall), cpuSamples: s.cpu, wallSamples: s.wall }]),
);
writeFileSync(
  new URL('./results/pg-statement-cost.json', import.meta.url),
  `${JSON.stringify({ at: new Date().toISOString(), conversations: CONVERSATIONS, perConversation: PER_CONVERSATION, statements: STATEMENTS, rounds: ROUNDS, results }, null, 2)}\n`,
);
