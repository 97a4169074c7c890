/**
 * Issue 20.2: every published declaration compiles in a fresh project that
 * has only the documented installs, under the strictest settings a backend
 * or app may use (`skipLibCheck: false`, `strict`,
 * `exactOptionalPropertyTypes`). One project per documented install line
 * (docs/deploy.md's table for the server entries, docs/react.md for the React
 * ones), one file per entry of the exports map that imports only that entry,
 * one `tsc --noEmit` per project and module resolution (a compilation costs
 * seconds; one per entry made this file take minutes): a declaration that
 * needs a package nobody was told to install (TS7016, TS2307 inside
 * node_modules/socketkit) fails here.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(__dirname, '../..');
const tsc = join(root, 'node_modules/typescript/bin/tsc');

const versionOf = (name: string) =>
  (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
/** `name@version` as this checkout has it, so npm takes it from the cache `npm ci` filled. */
const pinned = (...names: string[]) => names.map((name) => `${name}@${versionOf(name)}`);

type Resolution = 'node16' | 'bundler';

/** A documented install line (besides socketkit itself) and the entries it is for, with how those are resolved. */
interface Install {
  name: string;
  packages: string[];
  entries: { entry: string; resolution: Resolution }[];
}

const INSTALLS: Install[] = [
  {
    name: 'the client alone (README)',
    packages: [],
    entries: [
      { entry: 'socketkit', resolution: 'bundler' },
      { entry: 'socketkit', resolution: 'node16' },
      { entry: 'socketkit/protocol', resolution: 'bundler' },
      { entry: 'socketkit/protocol', resolution: 'node16' },
      { entry: 'socketkit/compat', resolution: 'bundler' },
    ],
  },
  {
    name: 'React with TypeScript (docs/react.md)',
    packages: pinned('react', 'react-dom', '@types/react', '@types/react-dom', '@tanstack/react-query'),
    entries: [
      { entry: 'socketkit/react', resolution: 'bundler' },
      { entry: 'socketkit/ui', resolution: 'bundler' },
      { entry: 'socketkit/react-query', resolution: 'bundler' },
      { entry: 'socketkit/devtools', resolution: 'bundler' },
    ],
  },
  {
    name: 'the in-page server (docs/in-page-server.md)',
    packages: pinned('msw'),
    entries: [{ entry: 'socketkit/mock-server/browser', resolution: 'bundler' }],
  },
  {
    name: 'one machine (docs/deploy.md)',
    packages: pinned('@electric-sql/pglite', 'pino'),
    entries: [
      { entry: 'socketkit/server', resolution: 'node16' },
      { entry: 'socketkit/server/embedded', resolution: 'node16' },
      { entry: 'socketkit/mock-server', resolution: 'node16' },
      // Not public (for socketkit/mock-server and the in-page server), but published: their types must compile too.
      { entry: 'socketkit/server/internal', resolution: 'node16' },
      { entry: 'socketkit/server/portable', resolution: 'node16' },
    ],
  },
  {
    name: 'PostgreSQL with TypeScript (docs/deploy.md)',
    packages: pinned('pg', '@types/pg', 'pino'),
    entries: [{ entry: 'socketkit/server/postgres', resolution: 'node16' }],
  },
  {
    name: 'several nodes with TypeScript (docs/deploy.md)',
    packages: pinned('pg', '@types/pg', 'pino', 'redis', '@socket.io/redis-streams-adapter'),
    entries: [{ entry: 'socketkit/server/redis', resolution: 'node16' }],
  },
];

const projects = new Map<string, string>();

beforeAll(async () => {
  const tarball = inject('socketkitTarball');
  await Promise.all(
    INSTALLS.map(async (install) => {
      const dir = mkdtempSync(join(tmpdir(), 'socketkit-types-'));
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'strict-app', private: true, type: 'module' }));
      await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, ...install.packages], { cwd: dir });
      projects.set(install.name, dir);
    }),
  );
});

afterAll(() => {
  for (const dir of projects.values()) rmSync(dir, { recursive: true, force: true });
});

/** Every entry of the published exports map that has types, so a new entry cannot be left out of INSTALLS. */
it('checks every typed entry of the exports map', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
  const typed = Object.entries(pkg.exports)
    .filter(([, target]) => typeof target === 'object' && target !== null && 'types' in target)
    .map(([key]) => (key === '.' ? 'socketkit' : `socketkit/${key.slice(2)}`));
  const checked = new Set(INSTALLS.flatMap((install) => install.entries.map(({ entry }) => entry)));
  expect([...checked].sort()).toEqual(typed.sort());
});

/** One compilation per install line and module resolution: one file per entry, each importing only its entry. */
const COMPILATIONS = INSTALLS.flatMap((install) =>
  (['bundler', 'node16'] as const)
    .map((resolution) => ({
      install: install.name,
      resolution,
      entries: install.entries.filter((checked) => checked.resolution === resolution).map(({ entry }) => entry),
    }))
    .filter(({ entries }) => entries.length > 0),
);

// Concurrent: each compilation is one process of its own, and they take seconds each.
describe.concurrent.each(COMPILATIONS)('with $install, moduleResolution $resolution', ({ install, resolution, entries }) => {
  it(`${entries.join(', ')} compile with skipLibCheck: false, strict, exactOptionalPropertyTypes`, async ({ expect }) => {
    const dir = projects.get(install)!;
    const files = entries.map((entry) => {
      const file = `${entry.replaceAll('/', '-')}-${resolution}.ts`;
      writeFileSync(join(dir, file), `import * as entry from '${entry}';\nexport const names: string[] = Object.keys(entry);\n`);
      return file;
    });
    const config = `tsconfig.${resolution}.json`;
    writeFileSync(
      join(dir, config),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: resolution === 'node16' ? 'node16' : 'esnext',
          moduleResolution: resolution,
          strict: true,
          exactOptionalPropertyTypes: true,
          skipLibCheck: false,
          noEmit: true,
          jsx: 'react-jsx',
        },
        files,
      }),
    );
    const result = await run(process.execPath, [tsc, '-p', config], { cwd: dir }).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    );
    expect(result).toBe('');
  });
});
