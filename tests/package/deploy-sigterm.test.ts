/**
 * Issue 20.3: the commands docs/deploy.md gives for running `socketkit-server`
 * stop on SIGTERM. The lines are read from the doc itself, so the doc and the
 * test cannot drift: every command line of its code blocks is checked to
 * start the server directly (no npx, npm run or npm start, which leave the
 * server running when npm is signalled), and every one that runs on the
 * embedded store is started in an app that installed the packed tarball as
 * the doc says, sent SIGTERM, and must exit 0 having released its port and
 * its data directory's lock. The shell lines run through `sh -c`, as typed;
 * the signal goes to the command the shell started. The systemd and Docker
 * lines are started without a shell, as systemd and Docker do. What the test
 * substitutes: the port 3001 and the unit's absolute paths (/usr/bin/node,
 * /srv/socketkit, /var/lib/socketkit) by the test's own; every command uses
 * one data directory in turn, which also shows each one released it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../support/net.js';
import { descendants, isProcessAlive } from '../support/process.js';
import { lockDataDir } from '../../src/server/sql/data-dir-lock.js';

const root = resolve(__dirname, '../..');
const deployDoc = readFileSync(join(root, 'docs/deploy.md'), 'utf8');
/** A JWT secret long enough for the command (32 bytes or more), for the docs' `JWT_SECRET=…` placeholders. */
const TEST_SECRET = 'a-test-secret-of-at-least-32-bytes-for-deploy-lines';
/** A bcrypt hash (of 'a long admin password', made by the doc's own command) for the admin UI's `'$2b$10$…'` placeholder. */
const TEST_ADMIN_UI_HASH = '$2a$10$ZE8voCnA9Yi1/tZxqOVhCu/Qve97j30kLQxNC90Vo4dSOozqQ/t3e';

/** Whether the data directory's lock (src/server/sql/data-dir-lock.ts, released by the OS) can be taken now. */
async function dataDirFree(dataDir: string): Promise<boolean> {
  try {
    const release = await lockDataDir(dataDir);
    await release();
    return true;
  } catch {
    return false;
  }
}

/** The fenced code blocks of a Markdown text, with their language; a line ending in `\` is joined to the next, as sh does. */
function codeBlocks(markdown: string): { lang: string; lines: string[] }[] {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((match) => ({
    lang: match[1]!,
    lines: match[2]!
      .replaceAll('\\\n', ' ')
      .split('\n')
      .filter((line) => line.trim() !== ''),
  }));
}

const blocks = codeBlocks(deployDoc);
/** Every line of a code block that starts the server. */
const serverLines = blocks.flatMap((block) =>
  block.lines.filter((line) => /socketkit-server|server\/cli\.js/.test(line) && !line.startsWith('npm install')),
);
const needsExternalStore = (line: string) => /DATABASE_URL|--database-url|--redis-url/.test(line);
const shellLines = blocks
  .filter((block) => block.lang === 'sh')
  .flatMap((block) => block.lines)
  .filter((line) => line.includes('socketkit-server') && !needsExternalStore(line));
const unit = blocks.find((block) => block.lang === 'ini')!.lines;
const dockerCmd = blocks.find((block) => block.lang === 'dockerfile')!.lines.find((line) => line.startsWith('CMD '))!;

let app: string;
/**
 * The app's ./socketkit-data, which every command here uses in turn (the
 * unit's /var/lib/socketkit and the container's volume stand for it), so the
 * embedded database is created once.
 */
let dataDir: string;
const versionOf = (name: string) =>
  (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'socketkit-deploy-'));
  dataDir = join(app, 'socketkit-data');
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'chat-server', private: true }));
  // docs/deploy.md, "One machine": npm install socketkit @electric-sql/pglite pino, and "Admin UI":
  // npm install @socket.io/admin-ui (from the cache `npm ci` filled).
  execFileSync(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      inject('socketkitTarball'),
      ...['@electric-sql/pglite', 'pino', '@socket.io/admin-ui'].map((n) => `${n}@${versionOf(n)}`),
    ],
    { cwd: app, stdio: 'pipe' },
  );
});

afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

/** The test's environment without anything the command reads, plus `env`. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production' };
  for (const name of ['PORT', 'HOST', 'JWT_SECRET', 'SOCKETKIT_DATA_DIR', 'DATABASE_URL', 'REDIS_URL', 'SOCKETKIT_API_KEY', 'CLIENT_URL', 'SOCKETKIT_ADMIN_UI', 'SOCKETKIT_ADMIN_UI_USERNAME', 'SOCKETKIT_ADMIN_UI_PASSWORD_HASH']) {
    delete result[name];
  }
  return { ...result, ...env };
}

/** Whether nothing listens on the port: binding it succeeds. */
function portFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const server = createServer();
    server.once('error', () => res(false));
    server.listen(port, '0.0.0.0', () => server.close(() => res(true)));
  });
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts `child` (already spawned), waits for the server to answer /health
 * on `port`, sends SIGTERM to `target()` (the process a supervisor would
 * signal), and checks that the server exited 0, the port is free and the lock
 * in `dataDir` is gone. Kills, by pid, whatever it left running.
 */
async function expectStopsOnSigterm(child: ChildProcess, port: number, dataDir: string, target: () => number): Promise<void> {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const started = child.pid!;
  let left: number[] = [];
  try {
    await until(
      async () => {
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode} before listening:\n${output}`);
        return fetch(`http://127.0.0.1:${port}/health`).then((res) => res.ok, () => false);
      },
      30_000,
      () => `/health on port ${port}:\n${output}`,
    );
    const pid = target();
    process.kill(pid, 'SIGTERM');
    await until(() => !isProcessAlive(pid), 15_000, () => `pid ${pid} to exit after SIGTERM`);
    expect(await exited).toBe(0);
    left = descendants(started);
    expect(left, 'processes left running').toEqual([]);
    expect(await portFree(port)).toBe(true);
    expect(await dataDirFree(dataDir)).toBe(true);
  } finally {
    for (const pid of [...descendants(started), ...left, started]) {
      if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  }
}

describe('docs/deploy.md commands', () => {
  it('start the server directly in every code block (no npx, npm run or npm start)', () => {
    expect(serverLines.length).toBeGreaterThanOrEqual(7);
    for (const line of serverLines) expect(line, line).not.toMatch(/\bnpx\b|\bnpm (run|start)\b/);
  });

  it.each(shellLines)('`%s` stops on SIGTERM, releasing its port and data directory', async (line) => {
    const port = await freePort();
    // `JWT_SECRET=…` is the reader's to fill in: a secret of 32 bytes or more.
    const command = line
      .replaceAll('--port 3001', `--port ${port}`)
      .replaceAll('JWT_SECRET=…', `JWT_SECRET=${TEST_SECRET}`)
      .replaceAll("'$2b$10$…'", `'${TEST_ADMIN_UI_HASH}'`);
    const shell = spawn('sh', ['-c', command], { cwd: app, env: cleanEnv({ PORT: String(port) }), stdio: ['ignore', 'pipe', 'pipe'] });
    // The shell waits for the command it started; that command is what a supervisor or `kill` signals.
    // The default data directory, ./socketkit-data, used by each line in turn.
    await expectStopsOnSigterm(shell, port, dataDir, () => descendants(shell.pid!)[0]!);
  });

  it('the systemd unit\'s ExecStart stops on SIGTERM', async () => {
    const port = await freePort();
    const setting = (key: string) => unit.find((line) => line.startsWith(`${key}=`))!.slice(key.length + 1);
    const env = Object.fromEntries(
      setting('Environment')
        .replaceAll('JWT_SECRET=…', `JWT_SECRET=${TEST_SECRET}`)
        .split(' ')
        .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
    );
    const [node, ...args] = setting('ExecStart').replaceAll('/srv/socketkit', app).replaceAll('/var/lib/socketkit', dataDir).split(' ');
    expect(node).toBe('/usr/bin/node');
    const child = spawn(process.execPath, args, { cwd: app, env: cleanEnv({ ...env, PORT: String(port) }), stdio: ['ignore', 'pipe', 'pipe'] });
    await expectStopsOnSigterm(child, port, dataDir, () => child.pid!);
  });

  it('the Docker CMD stops on SIGTERM', async () => {
    const port = await freePort();
    const [command, ...args] = JSON.parse(dockerCmd.slice('CMD '.length)) as string[];
    expect(command).toBe('node');
    // The image's WORKDIR is the app; its data directory a volume, named by SOCKETKIT_DATA_DIR.
    const child = spawn(process.execPath, args, {
      cwd: app,
      env: cleanEnv({ JWT_SECRET: TEST_SECRET, SOCKETKIT_DATA_DIR: dataDir, PORT: String(port) }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await expectStopsOnSigterm(child, port, dataDir, () => child.pid!);
  });
});
