/**
 * Issue 20.1: a Next.js App Router app whose Server Component page renders
 * socketkit's provider and UI components, built (`next build`) and served
 * (`next start`) against the packed tarball. Without the 'use client'
 * directive on the built React entries, `next build` fails while collecting
 * page data ("createContext is not a function" on the server). Next is
 * installed from the registry into a temporary app (npm's cache makes the
 * next runs fast); the app is tests/package/fixtures/next-app.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../support/net.js';

/** The Next.js under test: 16 needs Node >= 20.9 (`engines`), this repository 20.19. */
const NEXT_VERSION = '16.5.0';

const root = resolve(__dirname, '../..');
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' };
let app: string;

const versionOf = (name: string) =>
  (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'socketkit-next-app-'));
  cpSync(join(__dirname, 'fixtures/next-app'), app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'next-app', private: true }));
  const react = versionOf('react');
  execFileSync(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', inject('socketkitTarball'), `next@${NEXT_VERSION}`, `react@${react}`, `react-dom@${react}`],
    { cwd: app, stdio: 'pipe', env },
  );
});

afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

/** Runs the app's own `next` (never through npx, whose exit leaves the server running). */
const nextBin = () => join(app, 'node_modules/next/dist/bin/next');

describe('a Next.js App Router app on the packed package', () => {
  it('ships a \'use client\' directive on the React entries only', () => {
    const firstLine = (entry: string) => readFileSync(join(app, 'node_modules/socketkit/dist', entry, 'index.js'), 'utf8').split('\n')[0];
    for (const entry of ['react', 'react-query', 'ui']) expect(firstLine(entry), entry).toBe("'use client';");
    for (const entry of ['core', 'protocol', 'compat']) expect(firstLine(entry), entry).not.toContain('use client');
  });

  it('next build, then next start serves the Server Component page with the components rendered', async () => {
    const build = execFileSync(process.execPath, [nextBin(), 'build'], { cwd: app, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(build).toContain('Compiled successfully');

    const port = await freePort();
    const server = spawn(process.execPath, [nextBin(), 'start', '--port', String(port), '--hostname', '127.0.0.1'], {
      cwd: app,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((res) => server.once('exit', () => res()));
    try {
      let html = '';
      const deadline = performance.now() + 30_000;
      while (html === '') {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/`);
          expect(res.status).toBe(200);
          html = await res.text();
        } catch (error) {
          if (performance.now() > deadline || server.exitCode !== null) throw new Error(`next start did not serve: ${String(error)}\n${output}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      // Server-rendered markup of each component, and the protocol's constant from the Server Component itself.
      expect(html).toMatch(/<span[^>]*role="status"[^>]*class="sk-status"[^>]*data-status="/);
      expect(html).toContain('class="sk-presence"');
      expect(html).toContain('class="sk-chat"');
      expect(html).toContain('class="sk-composer-input"');
      expect(html).toContain('<p id="limit">4000</p>');
    } finally {
      server.kill('SIGTERM');
      await exited;
    }
  });
});
