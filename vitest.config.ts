import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';

const r = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// `socketkit/*` resolves to the sources, as the package's own entries would.
export const alias = [
  { find: /^socketkit\/react-query$/, replacement: r('./src/react-query/index.ts') },
  { find: /^socketkit\/react$/, replacement: r('./src/react/index.ts') },
  { find: /^socketkit\/ui$/, replacement: r('./src/ui/index.ts') },
  { find: /^socketkit\/ui\/styles\.css$/, replacement: r('./src/ui/styles.css') },
  { find: /^socketkit\/devtools$/, replacement: r('./src/devtools/index.ts') },
  { find: /^socketkit\/server\/postgres$/, replacement: r('./src/server/sql/postgres.ts') },
  { find: /^socketkit\/server\/embedded$/, replacement: r('./src/server/sql/embedded.ts') },
  { find: /^socketkit\/server\/internal$/, replacement: r('./src/server/internal.ts') },
  { find: /^socketkit\/server\/portable$/, replacement: r('./src/server/portable.ts') },
  { find: /^socketkit\/mock-server\/browser$/, replacement: r('./mock-server/browser/index.ts') },
  { find: /^socketkit\/server\/redis$/, replacement: r('./src/server/redis/index.ts') },
  { find: /^socketkit\/server$/, replacement: r('./src/server/index.ts') },
  { find: /^socketkit\/mock-server$/, replacement: r('./mock-server/index.ts') },
  { find: /^socketkit\/compat$/, replacement: r('./src/compat/index.ts') },
  { find: /^socketkit\/protocol$/, replacement: r('./src/protocol/index.ts') },
  { find: /^socketkit$/, replacement: r('./src/core/index.ts') },
];

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      { extends: true, test: { name: 'server', environment: 'node', include: ['tests/server/**/*.test.ts'] } },
      // Every store against one contract; starts its own PostgreSQL (tests/support/postgres.ts).
      { extends: true, test: { name: 'stores', environment: 'node', include: ['tests/stores/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 120_000 } },
      { extends: true, test: { name: 'core', environment: 'node', include: ['tests/core/**/*.test.ts'] } },
      // The in-page server (socketkit/mock-server/browser) under jsdom: MSW intercepts the client's WebSocket, no port.
      { extends: true, test: { name: 'in-page', environment: 'jsdom', include: ['tests/in-page/**/*.test.ts'] } },
      { extends: true, plugins: [react()], test: { name: 'react', environment: 'jsdom', include: ['tests/react/**/*.test.{ts,tsx}'], env: { EXPECT_REACT_MAJOR: '19' } } },
      { extends: true, plugins: [react()], test: { name: 'ui', environment: 'jsdom', include: ['tests/ui/**/*.test.{ts,tsx}'] } },
      // The hook suites again on React 18.3, installed in tests/react18 (React 18 and 19 cannot share one node_modules).
      {
        extends: true,
        plugins: [react()],
        resolve: {
          alias: [
            { find: /^react-dom(\/.*)?$/, replacement: `${r('./tests/react18/node_modules/react-dom')}$1` },
            { find: /^react(\/.*)?$/, replacement: `${r('./tests/react18/node_modules/react')}$1` },
            // Its ESM build, so its own react imports go through the aliases above.
            { find: /^@testing-library\/react$/, replacement: r('./node_modules/@testing-library/react/dist/@testing-library/react.esm.js') },
          ],
        },
        test: {
          name: 'react18',
          environment: 'jsdom',
          env: { EXPECT_REACT_MAJOR: '18' },
          include: ['tests/react/**/*.test.{ts,tsx}'],
          // Bundled through Vite so their `react` imports take the alias too.
          server: { deps: { inline: [/@testing-library\/react/, /@tanstack\/react-query/] } },
        },
      },
      { extends: true, test: { name: 'browser', environment: 'node', include: ['tests/browser/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 600_000, fileParallelism: false } },
      // Several nodes as real processes on a real Redis and PostgreSQL (started by the tests): one file at a time.
      { extends: true, test: { name: 'cluster', environment: 'node', include: ['tests/cluster/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000, fileParallelism: false } },
      // The packed tarball as users get it: packed once (tests/package/support/pack.ts), installed by each file.
      { extends: true, test: { name: 'package', environment: 'node', include: ['tests/package/**/*.test.ts'], globalSetup: ['tests/package/support/pack.ts'], testTimeout: 120_000, hookTimeout: 300_000 } },
    ],
  },
});
