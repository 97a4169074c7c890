import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';

const r = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// `socketkit/*` resolves to the sources, as the package's own entries would.
export const alias = [
  { find: /^socketkit\/react-query$/, replacement: r('./src/react-query/index.ts') },
  { find: /^socketkit\/react$/, replacement: r('./src/react/index.ts') },
  { find: /^socketkit\/ui$/, replacement: r('./src/ui/index.ts') },
  { find: /^socketkit\/server$/, replacement: r('./src/server/index.ts') },
  { find: /^socketkit\/mock-server$/, replacement: r('./mock-server/index.ts') },
  { find: /^socketkit\/protocol$/, replacement: r('./src/protocol/index.ts') },
  { find: /^socketkit$/, replacement: r('./src/core/index.ts') },
];

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      { extends: true, test: { name: 'server', environment: 'node', include: ['tests/server/**/*.test.ts'] } },
      { extends: true, test: { name: 'core', environment: 'node', include: ['tests/core/**/*.test.ts'] } },
      { extends: true, plugins: [react()], test: { name: 'react', environment: 'jsdom', include: ['tests/react/**/*.test.{ts,tsx}'] } },
      { extends: true, plugins: [react()], test: { name: 'ui', environment: 'jsdom', include: ['tests/ui/**/*.test.{ts,tsx}'] } },
      { extends: true, test: { name: 'browser', environment: 'node', include: ['tests/browser/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 600_000, fileParallelism: false } },
      { extends: true, test: { name: 'package', environment: 'node', include: ['tests/package/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 300_000 } },
    ],
  },
});
