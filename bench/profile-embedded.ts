/**
 * Where the embedded store's (PGlite's) time per statement goes (issue 22).
 *
 *   node --import tsx bench/profile-embedded.ts [--profile FILE.cpuprofile]
 *
 * Opens a fresh embedded store in a temporary directory and times, after a
 * warm-up, a read (`SELECT $1`); one send as the server made it before
 * migration 5 (migration 3's batch append of one message, then the sender's
 * `markRead`: two statements) and as it makes it now (migration 7's
 * `socketkit_send_messages_optimistic`, one statement); and batches of 10 and 100: wall time and
 * this process's CPU per call (PGlite runs PostgreSQL as WebAssembly in this
 * process, so all of it is here). With `--profile`, a V8 CPU profile of the
 * timed part only (not PGlite's start-up) is written and summarised by
 * owner: the engine (PostgreSQL compiled to WebAssembly), PGlite's JS (its
 * wire protocol, parameter serialisation and Emscripten's file system), Node's
 * file system calls, socketkit's own code, and the rest.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedDatabase } from '../src/server/sql/embedded.js';
import { appendMessages } from '../src/server/sql/messages.js';
import { createSqlStore } from '../src/server/sql/sql-store.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

const profileArg = process.argv.indexOf('--profile');
const profileFile = profileArg > 0 ? process.argv[profileArg + 1] : undefined;

const dir = mkdtempSync(join(tmpdir(), 'socketkit-profile-embedded-'));
const db = await openEmbeddedDatabase({ dataDir: dir, thread: 'main' });
const store = await createSqlStore(db);
const conversation = await store.createConversation({ participantIds: ['a', 'b'], title: null, createdBy: 'a' });
let n = 0;
const input = () => ({ conversationId: conversation.id, senderId: 'a', content: 'hello, world', clientMessageId: `m${n++}` });

/** A send before migration 5: migration 3's append, then the sender's cursor in a second statement. */
async function sendBefore(): Promise<void> {
  const m = input();
  const { rows } = await db.query<{ seq: unknown }>(
    'SELECT seq FROM socketkit_append_messages($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])',
    [[m.conversationId], [m.senderId], [m.content], [m.clientMessageId], [randomUUID()], [new Date().toISOString()]],
  );
  await store.markRead({ conversationId: m.conversationId, userId: m.senderId, seq: Number(rows[0]?.seq) });
}

const cases: [string, number, number, () => Promise<unknown>][] = [
  ['SELECT $1 (a read)', 1, 300, () => db.query('SELECT $1::text', ['x'])],
  ['send before (migration 3 + markRead)', 1, 300, sendBefore],
  ['send now (migration 7, batch of 1)', 1, 300, () => appendMessages(db, [input()], false)],
  ['batch of 10', 10, 60, () => appendMessages(db, Array.from({ length: 10 }, input), false)],
  ['batch of 100', 100, 15, () => appendMessages(db, Array.from({ length: 100 }, input), false)],
];

const session = new Session();
session.connect();
if (profileFile) {
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
}
console.log(`${'case'.padEnd(36)} ${'wall/call'.padStart(10)} ${'CPU/call'.padStart(10)} ${'CPU/message'.padStart(12)}`);
for (const [label, perCall, calls, run] of cases) {
  for (let i = 0; i < 5; i++) await run();
  if (profileFile) await session.post('Profiler.start');
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < calls; i++) await run();
  const wall = (performance.now() - started) / calls;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000 / calls;
  if (profileFile) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(profileFile.replace(/(\.cpuprofile)?$/, `-${label.split(' ')[0]}-${label.match(/\d+/)?.[0] ?? ''}.cpuprofile`), JSON.stringify(profile));
    summarise(label, profile as unknown as { nodes: ProfileNode[]; samples: number[] });
  }
  console.log(`${label.padEnd(36)} ${wall.toFixed(2).padStart(7)} ms ${cpuMs.toFixed(2).padStart(7)} ms ${(cpuMs / perCall).toFixed(3).padStart(9)} ms`);
}

/** Self time by owner, in percent of the samples that were not idle. */
function summarise(label: string, profile: { nodes: ProfileNode[]; samples: number[] }): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const owners = new Map<string, number>();
  let busy = 0;
  for (const id of profile.samples) {
    const { functionName, url } = byId.get(id)?.callFrame ?? { functionName: '', url: '' };
    if (functionName === '(idle)' || functionName === '(program)') continue;
    busy++;
    const owner = url.startsWith('wasm://')
      ? 'engine: PostgreSQL in WebAssembly'
      : url.includes('@electric-sql/pglite')
        ? 'PGlite JS (protocol, serialisation, Emscripten FS)'
        : functionName === '(garbage collector)'
          ? 'GC'
          : /^(write|read|open|close|fsync|fstat|lstat|stat|ftruncate|writeBuffer|readSync|writeSync|fsyncSync)/.test(functionName) && !url.includes('/src/')
            ? 'Node fs calls (file I/O)'
            : url.includes('/src/server/')
              ? 'socketkit (src/server)'
              : 'other JS (Node, V8 glue)';
    owners.set(owner, (owners.get(owner) ?? 0) + 1);
  }
  const parts = [...owners].sort((a, b) => b[1] - a[1]).map(([owner, count]) => `${owner} ${((100 * count) / Math.max(1, busy)).toFixed(0)}%`);
  console.log(`  ${label}: ${parts.join(', ')}`);
}

await db.close();
rmSync(dir, { recursive: true, force: true });
