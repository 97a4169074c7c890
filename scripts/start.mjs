#!/usr/bin/env node
// `npm start`: the bundled server on :3001 and Storybook on :6006, together.
// Signals are forwarded to both; when either exits, the other is stopped and
// this process exits with the first one's code.
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

const log = (msg) => console.log(`[start] ${msg}`);
const children = new Map();
let exiting = false;

function run(name, command, args) {
  const child = spawn(command, args, { cwd: root, env, stdio: 'inherit' });
  children.set(name, child);
  child.on('error', (error) => {
    console.error(`[start] could not start ${name}: ${error.message}`);
    stopAll(1);
  });
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!exiting) log(`${name} exited (${signal ?? `code ${code}`}); stopping the rest`);
    stopAll(code ?? (signal ? 1 : 0));
  });
  return child;
}

let exitCode = 0;
function stopAll(code) {
  if (!exiting) exitCode = code;
  exiting = true;
  for (const child of children.values()) if (child.exitCode === null) child.kill('SIGTERM');
  if (children.size === 0) process.exit(exitCode);
  // A child that ignores SIGTERM does not keep us alive forever.
  setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
    process.exit(exitCode);
  }, 5000).unref();
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    log(`${signal} received, stopping`);
    stopAll(0);
  });
}

log(`mock server → ${serverUrl} (in-memory seed: alice, bob, carol, dave, erin, frank)`);
run('mock server', bin('tsx'), ['mock-server/cli.ts', '--port', serverPort]);
log(`Storybook   → http://localhost:${storybookPort}`);
run('storybook', bin('storybook'), ['dev', '-p', storybookPort, '--no-open', '--ci']);
