import type { StorybookConfig } from '@storybook/react-vite';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const r = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * socketkit's own sources (src/, mock-server/) built as development code in
 * the static Storybook too: the client's trace and `inspectClient` (what
 * the devtools story shows), its development error messages. React and every
 * other library stay in their production build; a production app still gets
 * none of this (`npm run size` checks the production bundle). Costs no second
 * build: docs/devtools.md, "Trace in production and development".
 */
const SOCKETKIT_SOURCES = [r('../src/'), r('../mock-server/')];
const socketkitInDevelopment: Plugin = {
  name: 'socketkit:sources-in-development',
  apply: 'build',
  // Before Vite's own `define`, which would make the text "production".
  enforce: 'pre',
  transform(code, id) {
    if (!SOCKETKIT_SOURCES.some((dir) => id.startsWith(dir)) || !code.includes('process.env.NODE_ENV')) return null;
    return { code: code.replaceAll('process.env.NODE_ENV', '"development"'), map: null };
  },
};

// The same `socketkit/*` → sources aliases as vitest.config.ts, so stories run
// the code in this repository, not a build.
const alias = [
  { find: /^socketkit\/react-query$/, replacement: r('../src/react-query/index.ts') },
  { find: /^socketkit\/react$/, replacement: r('../src/react/index.ts') },
  { find: /^socketkit\/ui\/styles\.css$/, replacement: r('../src/ui/styles.css') },
  { find: /^socketkit\/ui$/, replacement: r('../src/ui/index.ts') },
  { find: /^socketkit\/devtools$/, replacement: r('../src/devtools/index.ts') },
  { find: /^socketkit\/server$/, replacement: r('../src/server/index.ts') },
  { find: /^socketkit\/mock-server$/, replacement: r('../mock-server/index.ts') },
  { find: /^socketkit\/server\/portable$/, replacement: r('../src/server/portable.ts') },
  { find: /^socketkit\/mock-server\/browser$/, replacement: r('../mock-server/browser/index.ts') },
  { find: /^socketkit\/protocol$/, replacement: r('../src/protocol/index.ts') },
  { find: /^socketkit$/, replacement: r('../src/core/index.ts') },
];

const config: StorybookConfig = {
  stories: ['../stories/**/*.stories.@(ts|tsx)'],
  addons: ['@storybook/addon-a11y'],
  framework: { name: '@storybook/react-vite', options: {} },
  core: { disableTelemetry: true },
  // public/ holds MSW's mockServiceWorker.js.
  staticDirs: ['../public'],
  viteFinal: async (viteConfig) => {
    const existing = viteConfig.resolve?.alias;
    const list = Array.isArray(existing) ? existing : Object.entries(existing ?? {}).map(([find, replacement]) => ({ find, replacement }));
    return {
      ...viteConfig,
      plugins: [...(viteConfig.plugins ?? []), socketkitInDevelopment],
      resolve: { ...viteConfig.resolve, alias: [...alias, ...list] },
    };
  },
};

export default config;
