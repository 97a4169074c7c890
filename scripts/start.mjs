#!/usr/bin/env node
// `npm start`: the bundled server on :3001 and Storybook on :6006, together.
//
// No child outlives this command, whatever stops it:
// - each child runs in its own process group, and stopping kills the whole
//   group (Storybook's `storybook` bin is a dispatcher that starts the real CLI
//   as a grandchild, which a plain `child.kill()` would leave listening);
// - SIGINT, SIGTERM and SIGHUP stop every group (SIGTERM, then SIGKILL after 5 s);
// - when either child exits, the other is stopped and this process exits with its code;
// - a watchdog process kills the groups if this process dies without running
//   its handlers (SIGKILL, a crash), and this process stops itself when its own
//   parent (`npm`) goes away.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const serverPort = process.env.SOCKETKIT_SERVER_PORT ?? '3001';
const storybookPort = process.env.STORYBOOK_PORT ?? '6006';
const serverUrl = process.env.STORYBOOK_SERVER_URL ?? `http://localhost:${serverPort}`;
const env = {
  ...process.env,
  // A fixed development secret so tokens survive restarts; never used in production.
  JWT_SECRET: process.env.JWT_SECRET ?? 'socketkit-dev-secret-change-me',
  STORYBOOK_SERVER_URL: serverUrl,
  STORYBOOK_DISABLE_TELEMETRY: '1',
};
/** How long a child group gets between SIGTERM and SIGKILL. */
const KILL_AFTER_MS = 5000;

const log = (msg) => console.log(`[start] ${msg}`);
const children = new Map();
let exiting = false;
let exitCode = 0;

/** Signals a child's whole process group; a group that is already gone is fine. */
function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group has exited.
  }
}

// The watchdog: a tiny process that outlives us only to kill the groups if we die abruptly.
const watchdog = spawn(
  process.execPath,
  [
    '-e',
    `const groups = new Set();
     process.on('message', (m) => m.add ? groups.add(m.add) : m.done && process.exit(0));
     process.on('disconnect', () => {
       const kill = (signal) => { for (const g of groups) { try { process.kill(-g, signal); } catch {} } };
       kill('SIGTERM');
       setTimeout(() => { kill('SIGKILL'); process.exit(0); }, ${KILL_AFTER_MS});
     });`,
  ],
  { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], detached: true },
);
watchdog.unref();
watchdog.channel?.unref();

function run(name, command, args) {
  // detached: its own process group, so the group can be signalled as one.
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  children.set(name, child);
  if (child.pid !== undefined && watchdog.connected) watchdog.send({ add: child.pid });
  child.on('error', (error) => {
    console.error(`[start] could not start ${name}: ${error.message}`);
    stopAll(1);
  });
  child.on('exit', (code, signal) => {
    // The group may still hold grandchildren: stop them too.
    killGroup(child, 'SIGTERM');
    children.delete(name);
    if (!exiting) log(`${name} exited (${signal ?? `code ${code}`}); stopping the rest`);
    stopAll(code ?? (signal ? 1 : 0));
  });
  return child;
}

function finish() {
  if (watchdog.connected) watchdog.send({ done: true });
  process.exit(exitCode);
}

function stopAll(code) {
  if (!exiting) exitCode = code;
  exiting = true;
  for (const child of children.values()) killGroup(child, 'SIGTERM');
  if (children.size === 0) return finish();
  if (stopAll.timer) return;
  // A child that ignores SIGTERM does not keep us (or itself) alive.
  stopAll.timer = setTimeout(() => {
    for (const child of children.values()) killGroup(child, 'SIGKILL');
    finish();
  }, KILL_AFTER_MS);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    log(`${signal} received, stopping`);
    stopAll(0);
  });
}

// `npm start` killed without passing the signal on (e.g. SIGKILL, or SIGHUP from a closed terminal):
// we are re-parented, so stop too.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent && !exiting) {
    log('parent process exited, stopping');
    stopAll(0);
  }
}, 1000).unref();

log(`pid ${process.pid}; stop with Ctrl+C or \`kill ${process.pid}\` (the server and Storybook stop with it)`);
log(`mock server → ${serverUrl} (in-memory seed: alice, bob, carol, dave, erin, frank)`);
run('mock server', process.execPath, ['--import', 'tsx', 'mock-server/cli.ts', '--port', serverPort]);
log(`Storybook   → http://localhost:${storybookPort}`);
run('storybook', bin('storybook'), ['dev', '-p', storybookPort, '--no-open', '--ci']);
