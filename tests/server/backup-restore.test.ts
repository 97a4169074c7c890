/**
 * issue 19, kind 8: docs/deploy.md's backup and restore commands, taken from
 * the doc (the block after each `<!-- backup-test: NAME -->` marker, so the
 * doc cannot drift), run end to end with bash against real servers: the
 * restored server has every message and stores new ones. And a database that
 * lacks part of its schema is repaired (a function, a plain index) or refused
 * with exit 9 naming what is missing.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from 'socketkit/protocol';
import { POSTGRES_BIN, startPostgres, type TestPostgres } from '../support/postgres.js';
import { killServerClis, runServerCli } from '../support/server-cli.js';

const run = promisify(execFile);
const API_KEY = 'backup-api-key';
const DEPLOY_MD = fileURLToPath(new URL('../../docs/deploy.md', import.meta.url));
let postgres: TestPostgres;
const dirs: string[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
}, 120_000);
afterEach(() => killServerClis());
afterAll(async () => {
  await postgres?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The shell block after `<!-- backup-test: name -->` in docs/deploy.md. */
function docBlock(name: string): string {
  const doc = readFileSync(DEPLOY_MD, 'utf8');
  const match = new RegExp(`<!-- backup-test: ${name} -->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\``).exec(doc);
  if (!match) throw new Error(`docs/deploy.md has no block "${name}"`);
  return match[1]!;
}

/** Runs a doc block with bash in `cwd`, PostgreSQL's binaries first on the PATH. */
async function runBlock(name: string, cwd: string, env: Record<string, string> = {}): Promise<void> {
  await run('bash', ['-euo', 'pipefail', '-c', docBlock(name)], {
    cwd,
    env: { ...process.env, PATH: `${POSTGRES_BIN}:${process.env.PATH ?? ''}`, ...env },
    timeout: 120_000,
  });
}

const api = (url: string, path: string, body?: unknown) =>
  fetch(`${url}/server${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** A conversation with three messages, through the server API; returns its id. */
async function writeSome(url: string): Promise<string> {
  const created = await api(url, '/conversations', { participantIds: ['alice', 'bob'], createdBy: 'alice' });
  expect(created.status).toBe(201);
  const { conversation } = (await created.json()) as { conversation: { id: string } };
  for (let i = 1; i <= 3; i++) {
    const posted = await api(url, `/conversations/${conversation.id}/messages`, { senderId: 'alice', content: `m${i}`, clientMessageId: `c${i}` });
    expect(posted.status).toBe(201);
  }
  return conversation.id;
}

/** The restored server has the three messages and stores a fourth as seq 4. */
async function expectWhole(url: string, conversationId: string): Promise<void> {
  expect((await fetch(`${url}/ready`)).status).toBe(200);
  const posted = await api(url, `/conversations/${conversationId}/messages`, { senderId: 'bob', content: 'after the restore', clientMessageId: 'r1' });
  expect(posted.status).toBe(201);
  expect(((await posted.json()) as { message: Message }).message.seq).toBe(4);
  const repeat = await api(url, `/conversations/${conversationId}/messages`, { senderId: 'alice', content: 'm1', clientMessageId: 'c1' });
  expect(((await repeat.json()) as { message: Message }).message.seq).toBe(1);
}

const flags = ['--port', '0', '--host', '127.0.0.1', '--secret', 'backup-restore-secret-of-32-bytes-or-more', '--api-key', API_KEY];

describe('kind 8: the documented backup and restore, end to end', () => {
  it('PostgreSQL: pg_dump while running, pg_restore into an empty database, the restored server works', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'socketkit-backup-'));
    dirs.push(cwd);
    const source = await postgres.createDatabase();
    const first = runServerCli([...flags, '--database-url', source]);
    const conversationId = await writeSome(await first.listening());
    await runBlock('postgres-backup', cwd, { DATABASE_URL: source });

    const target = await postgres.createDatabase();
    await runBlock('postgres-restore', cwd, { DATABASE_URL: target });
    const restored = runServerCli([...flags, '--database-url', target]);
    await expectWhole(await restored.listening(), conversationId);
  }, 180_000);

  it('embedded: tar the stopped data directory, restore it, the restored server works', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'socketkit-backup-'));
    dirs.push(cwd);
    const first = runServerCli([...flags, '--data-dir', 'socketkit-data'], { cwd });
    const conversationId = await writeSome(await first.listening(120_000));
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    await runBlock('embedded-backup', cwd);
    // What the backup is for: the directory lost.
    rmSync(join(cwd, 'socketkit-data'), { recursive: true, force: true });
    await runBlock('embedded-restore', cwd);
    const restored = runServerCli([...flags, '--data-dir', 'socketkit-data'], { cwd });
    await expectWhole(await restored.listening(120_000), conversationId);
  }, 300_000);
});

describe('kind 8: the schema is checked at start', () => {
  it('a missing index is made again; a missing table is refused with exit 9, naming it', async () => {
    const url = await postgres.createDatabase();
    const first = runServerCli([...flags, '--database-url', url]);
    await first.listening();
    first.child.kill('SIGTERM');
    await first.exited;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('DROP INDEX socketkit_participants_user');
      const repaired = runServerCli([...flags, '--database-url', url]);
      await repaired.listening();
      repaired.child.kill('SIGTERM');
      await repaired.exited;
      expect((await client.query(`SELECT to_regclass('socketkit_participants_user') IS NOT NULL AS present`)).rows[0]).toEqual({ present: true });

      await client.query('DROP TABLE socketkit_participants');
      const refused = runServerCli([...flags, '--database-url', url]);
      expect(await refused.exited).toBe(9);
      const line = refused.lines().find((l) => l.msg.startsWith('cannot start'));
      expect(line?.msg).toMatch(/lacks socketkit_participants, socketkit_participants_pkey.*Restore the whole backup/);
    } finally {
      await client.end();
    }
  }, 180_000);

  it("rolls back past migration 8 as docs/deploy.md says: the message id's unique index made again, and the server still starts and serves", async () => {
    const url = await postgres.createDatabase();
    const first = runServerCli([...flags, '--database-url', url]);
    const conversationId = await writeSome(await first.listening());
    first.child.kill('SIGTERM');
    await first.exited;
    await runBlock('rollback-before-migration-8', tmpdir(), { DATABASE_URL: url });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT to_regclass('socketkit_messages_id_key') IS NOT NULL AS present`);
      expect(rows[0]).toEqual({ present: true });
    } finally {
      await client.end();
    }
    // What an earlier release checks at start is there again; this release runs on it as well.
    const again = runServerCli([...flags, '--database-url', url]);
    await expectWhole(await again.listening(), conversationId);
    again.child.kill('SIGTERM');
    await again.exited;
  }, 180_000);

  it("knows migrations 3 to 7: their functions and indexes are made again; the inbox's column or table missing is refused", async () => {
    const url = await postgres.createDatabase();
    const first = runServerCli([...flags, '--database-url', url]);
    await first.listening();
    first.child.kill('SIGTERM');
    await first.exited;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const present = async (lookup: string) => (await client.query(`SELECT ${lookup} IS NOT NULL AS present`)).rows[0];
    try {
      await client.query('DROP FUNCTION socketkit_append_messages');
      await client.query('DROP FUNCTION socketkit_send_messages');
      await client.query('DROP FUNCTION socketkit_send_messages_optimistic');
      await client.query('DROP INDEX socketkit_notifications_user');
      await client.query('DROP INDEX socketkit_notifications_unread');
      const repaired = runServerCli([...flags, '--database-url', url]);
      await repaired.listening();
      repaired.child.kill('SIGTERM');
      await repaired.exited;
      expect(await present(`to_regprocedure('socketkit_append_messages(text[], text[], text[], text[], text[], timestamptz[])')`)).toEqual({ present: true });
      expect(await present(`to_regprocedure('socketkit_send_messages(text[], text[], text[], text[], text[], timestamptz[], boolean)')`)).toEqual({ present: true });
      expect(await present(`to_regprocedure('socketkit_send_messages_optimistic(text[], text[], text[], text[], text[], timestamptz[], boolean)')`)).toEqual({ present: true });
      expect(await present(`to_regclass('socketkit_notifications_user')`)).toEqual({ present: true });
      expect(await present(`to_regclass('socketkit_notifications_unread')`)).toEqual({ present: true });

      await client.query('ALTER TABLE socketkit_participants DROP COLUMN last_read_seq');
      const noColumn = runServerCli([...flags, '--database-url', url]);
      expect(await noColumn.exited).toBe(9);
      expect(noColumn.lines().find((l) => l.msg.startsWith('cannot start'))?.msg).toMatch(/lacks the column socketkit_participants\.last_read_seq.*Restore the whole backup/);

      await client.query('ALTER TABLE socketkit_participants ADD COLUMN last_read_seq bigint NOT NULL DEFAULT 0');
      await client.query('DROP TABLE socketkit_notifications');
      const noTable = runServerCli([...flags, '--database-url', url]);
      expect(await noTable.exited).toBe(9);
      expect(noTable.lines().find((l) => l.msg.startsWith('cannot start'))?.msg).toMatch(/lacks socketkit_notifications, socketkit_notifications_pkey, socketkit_notifications_id_key.*Restore/);
    } finally {
      await client.end();
    }
  }, 180_000);
});
