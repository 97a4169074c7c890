/**
 * issue 19, kind 6: every start-up failure of `socketkit-server` names the
 * path or address, the cause and the fix, and exits with its own code
 * (docs/deploy.md, "Exit codes"): a read-only data directory (a read-only
 * tmpfs), a full disk (a 1 MB tmpfs), a port in use, PostgreSQL unreachable,
 * a data directory in use. And a restart right after a SIGKILL always takes
 * the data directory's lock, which the operating system releases.
 *
 * Mounting needs root, as the tests run here and in CI.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { STARTUP_EXIT_CODES } from '../../src/server/startup-error.js';
import { killServerClis, runServerCli, type ServerCli } from '../support/server-cli.js';

const dirs: string[] = [];
const mounts: string[] = [];
let readOnly: string;
let full: string;

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'socketkit-start-'));
  dirs.push(dir);
  return dir;
}

function mountTmpfs(options: string): string {
  const dir = tempDir();
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

beforeAll(() => {
  readOnly = mountTmpfs('size=1M,ro');
  full = mountTmpfs('size=1M');
  // Fill it up.
  try {
    writeFileSync(join(full, 'filler'), Buffer.alloc(2 * 1024 * 1024));
  } catch {
    // ENOSPC: full, as wanted
  }
});
afterEach(() => killServerClis());
afterAll(() => {
  for (const dir of mounts) execFileSync('umount', ['-l', dir]);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The message of the `cannot start` line. */
const failure = (cli: ServerCli) => cli.lines().find((line) => line.msg.startsWith('cannot start'))?.msg ?? `(none) ${cli.err()}`;

describe('kind 6: start-up failures say what, why and what to do, with their own exit code', () => {
  it('a read-only data directory: exit 3, the path, "read-only", what to do', async () => {
    const dataDir = join(readOnly, 'data');
    const cli = runServerCli(['--port', '0', '--secret', 'a-test-secret-of-at-least-32-bytes', '--data-dir', dataDir]);
    expect(await cli.exited).toBe(STARTUP_EXIT_CODES.DATA_DIR_UNWRITABLE);
    expect(STARTUP_EXIT_CODES.DATA_DIR_UNWRITABLE).toBe(3);
    expect(failure(cli)).toContain(dataDir);
    expect(failure(cli)).toMatch(/read-only file system/);
    expect(failure(cli)).toMatch(/--data-dir/);
  }, 60_000);

  it('a full disk: exit 4, the path, "full", what to do', async () => {
    const dataDir = join(full, 'data');
    const cli = runServerCli(['--port', '0', '--secret', 'a-test-secret-of-at-least-32-bytes', '--data-dir', dataDir]);
    expect(await cli.exited).toBe(4);
    expect(failure(cli)).toContain(dataDir);
    expect(failure(cli)).toMatch(/is full .*free space/);
    expect(failure(cli)).not.toMatch(/\[object Object\]/);
  }, 60_000);

  it('a port in use: exit 6, the address, the cause, what to do', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const cli = runServerCli(['--port', String(port), '--host', '127.0.0.1', '--secret', 'a-test-secret-of-at-least-32-bytes', '--memory']);
      expect(await cli.exited).toBe(6);
      expect(failure(cli)).toContain(`127.0.0.1:${port}`);
      expect(failure(cli)).toMatch(/another process listens there.*--port/);
    } finally {
      taken.close();
    }
  }, 60_000);

  it('PostgreSQL unreachable: exit 7, the URL without its password, what to check', async () => {
    const cli = runServerCli(['--port', '0', '--secret', 'a-test-secret-of-at-least-32-bytes', '--database-url', 'postgres://app:hunter2@127.0.0.1:1/chat']);
    expect(await cli.exited).toBe(7);
    expect(failure(cli)).toContain('postgres://app:***@127.0.0.1:1/chat');
    expect(failure(cli)).toMatch(/ECONNREFUSED|connect/);
    expect(failure(cli)).toMatch(/DATABASE_URL/);
    expect(cli.out()).not.toContain('hunter2');
  }, 60_000);

  it('a data directory another live server has: exit 5, the path, the process', async () => {
    const dataDir = tempDir();
    const first = runServerCli(['--port', '0', '--secret', 'a-test-secret-of-at-least-32-bytes', '--data-dir', dataDir]);
    await first.listening();
    const second = runServerCli(['--port', '0', '--secret', 'a-test-secret-of-at-least-32-bytes', '--data-dir', dataDir]);
    expect(await second.exited).toBe(5);
    expect(failure(second)).toContain(dataDir);
    expect(failure(second)).toContain(`process ${first.child.pid}`);
  }, 120_000);
});

describe('kind 6: the data directory lock is released by the operating system', () => {
  it('SIGKILL, then start at once, 10 times: every start takes the lock and serves', async () => {
    const dataDir = tempDir();
    for (let round = 0; round < 10; round++) {
      const cli = runServerCli(['--port', '0', '--secret', 'a-test-secret-of-at-least-32-bytes', '--data-dir', dataDir]);
      const url = await cli.listening(60_000);
      expect((await fetch(`${url}/ready`)).status).toBe(200);
      cli.child.kill('SIGKILL');
    }
  }, 600_000);

  it('a lock file of an older version naming a live, unrelated process does not block the start', async () => {
    const dataDir = tempDir();
    mkdirSync(dataDir, { recursive: true });
    // The PID-file lock of before: a PID reused by an unrelated live process (here: this test runner).
    writeFileSync(join(dataDir, 'socketkit.lock'), String(process.pid));
    const cli = runServerCli(['--port', '0', '--secret', 'a-test-secret-of-at-least-32-bytes', '--data-dir', dataDir]);
    await cli.listening(60_000);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  }, 120_000);
});
