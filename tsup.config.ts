import { readFile, writeFile } from 'node:fs/promises';
import { defineConfig, type Options } from 'tsup';

// Each entry is built on its own; entries import each other by package name
// (kept external) so an app that uses several entries shares one core.
const external = [
  'socketkit',
  'socketkit/react',
  'socketkit/react-query',
  'socketkit/ui',
  'socketkit/devtools',
  'socketkit/server',
  'socketkit/server/internal',
  'socketkit/server/portable',
  'socketkit/protocol',
  'react',
  'react-dom',
  'react/jsx-runtime',
  '@tanstack/react-query',
  'socket.io',
  'socket.io-client',
  'engine.io-parser',
  'socket.io-parser',
  'msw',
  'jsonwebtoken',
  'zod',
  'pg',
  '@electric-sql/pglite',
  'pino',
  'redis',
  '@socket.io/redis-streams-adapter',
  '@socket.io/admin-ui',
];

/** The entries that use React, built with a 'use client' directive. */
const CLIENT_ENTRIES = {
  'react/index': 'src/react/index.ts',
  'react-query/index': 'src/react-query/index.ts',
  'ui/index': 'src/ui/index.ts',
  'devtools/index': 'src/devtools/index.ts',
};

const USE_CLIENT = "'use client';\n";

/**
 * Makes `file` start with the 'use client' directive. Its source map gets one
 * empty generated line in front (a leading `;` in `mappings`), so every
 * mapping still points at the right line.
 */
async function prependUseClient(file: string): Promise<void> {
  const code = await readFile(file, 'utf8');
  if (code.startsWith(USE_CLIENT)) return;
  await writeFile(file, USE_CLIENT + code);
  const map = JSON.parse(await readFile(`${file}.map`, 'utf8')) as { mappings: string };
  map.mappings = `;${map.mappings}`;
  await writeFile(`${file}.map`, JSON.stringify(map));
}

/** Options shared by the two builds of browser-safe entries. */
const browserBuild = {
  format: ['esm'],
  dts: true,
  sourcemap: true,
  treeshake: true,
  splitting: false,
  target: 'es2020',
  platform: 'neutral',
  external,
} satisfies Options;

export default defineConfig([
  // Framework-free: usable from React Server Components, Node and any bundler.
  {
    ...browserBuild,
    entry: {
      'core/index': 'src/core/index.ts',
      'protocol/index': 'src/protocol/index.ts',
      'compat/index': 'src/compat/index.ts',
    },
    clean: true,
  },
  // React entries: hooks and components run only on the client, so each file
  // starts with 'use client' and a Server Component can import them (Next.js
  // App Router). The bundler drops module directives (of the sources and of a
  // banner alike: "Module level directives cause errors when bundled"), so
  // the directive is prepended to the finished files.
  {
    ...browserBuild,
    entry: CLIENT_ENTRIES,
    clean: false,
    onSuccess: async () => {
      await Promise.all(Object.keys(CLIENT_ENTRIES).map((name) => prependUseClient(`dist/${name}.js`)));
    },
  },
  // The in-page server and the server parts it shares: browser-safe (no Node APIs).
  {
    ...browserBuild,
    entry: {
      'server/portable': 'src/server/portable.ts',
      'mock-server/browser': 'mock-server/browser/index.ts',
    },
    clean: false,
  },
  {
    entry: {
      'server/index': 'src/server/index.ts',
      'server/internal': 'src/server/internal.ts',
      'server/postgres': 'src/server/sql/postgres.ts',
      'server/embedded': 'src/server/sql/embedded.ts',
      // The embedded database's thread: embedded.ts starts ./embedded-worker.js next to itself.
      'server/embedded-worker': 'src/server/sql/embedded-worker.ts',
      'server/redis': 'src/server/redis/index.ts',
      'server/cli': 'src/server/cli.ts',
      'mock-server/index': 'mock-server/index.ts',
      'mock-server/cli': 'mock-server/cli.ts',
    },
    format: ['esm'],
    dts: {
      entry: {
        'server/index': 'src/server/index.ts',
        'server/internal': 'src/server/internal.ts',
        'server/postgres': 'src/server/sql/postgres.ts',
        'server/embedded': 'src/server/sql/embedded.ts',
        'server/redis': 'src/server/redis/index.ts',
        'mock-server/index': 'mock-server/index.ts',
      },
    },
    sourcemap: true,
    clean: false,
    splitting: false,
    target: 'node20',
    platform: 'node',
    external,
  },
]);
