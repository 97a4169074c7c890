import { defineConfig } from 'tsup';

// Each entry is built on its own; entries import each other by package name
// (kept external) so an app that uses several entries shares one core.
const external = [
  'socketkit',
  'socketkit/react',
  'socketkit/react-query',
  'socketkit/ui',
  'socketkit/server',
  'socketkit/server/internal',
  'socketkit/protocol',
  'react',
  'react-dom',
  'react/jsx-runtime',
  '@tanstack/react-query',
  'socket.io',
  'socket.io-client',
  'jsonwebtoken',
  'zod',
  'pg',
  '@electric-sql/pglite',
  'pino',
  'redis',
  '@socket.io/redis-streams-adapter',
];

export default defineConfig([
  {
    entry: {
      'core/index': 'src/core/index.ts',
      'protocol/index': 'src/protocol/index.ts',
      'react/index': 'src/react/index.ts',
      'react-query/index': 'src/react-query/index.ts',
      'ui/index': 'src/ui/index.ts',
      'compat/index': 'src/compat/index.ts',
    },
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    treeshake: true,
    splitting: false,
    target: 'es2020',
    platform: 'neutral',
    external,
  },
  {
    entry: {
      'server/index': 'src/server/index.ts',
      'server/internal': 'src/server/internal.ts',
      'server/postgres': 'src/server/sql/postgres.ts',
      'server/embedded': 'src/server/sql/embedded.ts',
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
