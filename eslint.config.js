import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

/** Relative imports of another layer's internals (the React layers and the UI kit use public entries). */
const INTERNALS = ['../core/*', '../../core/*', '../protocol/*', '../react/*', '../../react/*', '../react-query/*', '../ui/*', '../server/*', '../../mock-server/*'];
const SERVER_ONLY = { group: ['socket.io', 'jsonwebtoken', 'zod', 'node:*'], message: 'Client code runs in browsers: no server-side imports.' };

/** What every file of src/server may not import (relative paths from one wing deep or from the top). */
const SERVER_LAYER = [
  { group: ['../core/*', '../react/*', '../react-query/*', '../ui/*', '../compat/*', '../../core/*', '../../react/*', '../../react-query/*', '../../ui/*', '../../compat/*', '../../mock-server/*', '../../../mock-server/*'], message: 'src/server depends on src/protocol only (and its own modules).' },
  { group: ['socketkit/react', 'socketkit/react-query', 'socketkit/ui', 'socketkit/mock-server', 'socket.io-client', 'react', 'react-dom', 'react/*', 'react-dom/*', '@tanstack/*'], message: 'src/server is the server layer: no client, React or mock-server imports.' },
];
/** A wing never imports a composition root (the files at the top of src/server). */
const ROOTS = { group: ['../index.js', '../internal.js', '../create-server.js', '../standalone.js', '../cli.js', '../seed-compat.js'], message: 'A wing of src/server never imports a composition root (the files at its top).' };

/** One `no-restricted-imports` block for the files of a layer. */
const restrict = (files, patterns, paths = []) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns, paths }] } });
/** The block of one wing of src/server: the server layer's rules, the roots, and the wing's own. */
const wing = (name, patterns) =>
  restrict([`src/server/${name}/**/*.ts`], [...SERVER_LAYER, ROOTS, ...patterns], coreEntry('src/server is the server layer: no client imports.'));
/** The core entry by its exact name (a `socketkit` pattern would also match every `socketkit/*`). */
const coreEntry = (message) => [{ name: 'socketkit', message }];

export default tseslint.config(
  { ignores: ['dist/**', 'storybook-static/**', 'node_modules/**', 'coverage/**', 'test-artifacts/**', 'public/mockServiceWorker.js', '.storybook/public/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly', process: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly',
        setInterval: 'readonly', clearInterval: 'readonly', window: 'readonly', document: 'readonly',
        URL: 'readonly', fetch: 'readonly', AbortController: 'readonly', performance: 'readonly',
      },
    },
    rules: {
      eqeqeq: ['error', 'always'],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      // A spread passes every element as an argument: past ≈ 100,000 of them the call
      // throws "Maximum call stack size exceeded" (issue 22). Loop, or reduce.
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name=/^(push|unshift|splice)$/] > SpreadElement",
          message: 'No spread into push/unshift/splice: an unbounded array overflows the call stack. Push in a loop.',
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name=/^(max|min)$/] > SpreadElement",
          message: 'No spread into Math.max/min: an unbounded array overflows the call stack. Use a loop or reduce.',
        },
        {
          selector: "CallExpression[callee.object.name='String'][callee.property.name=/^fromC(har|odePoint)Code$/] > SpreadElement",
          message: 'No spread into String.fromCharCode: an unbounded array overflows the call stack.',
        },
      ],
    },
  },
  {
    files: ['src/react/**/*.{ts,tsx}', 'src/react-query/**/*.{ts,tsx}', 'src/ui/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
  // Layer boundaries, by relative path AND by package name (an import of `socketkit/ui`
  // from the core is as wrong as one of `../ui/index.js`). Layers, bottom up:
  // protocol → core → react → react-query → ui; server → mock-server. Each layer
  // imports only the public entries of the layers below it.
  restrict(['src/protocol/**/*.ts'], [
    { group: ['socketkit', 'socketkit/*', '../*', '!../protocol'], message: 'src/protocol is the bottom layer: it imports nothing of socketkit.' },
    { group: ['react', 'react-dom', 'react/*', 'react-dom/*', '@tanstack/*', 'socket.io', 'socket.io-client', 'jsonwebtoken', 'zod', 'node:*'], message: 'src/protocol is types and constants only.' },
  ]),
  // The core reads as small functions (issue 11): none over 40 lines.
  { files: ['src/core/**/*.ts'], rules: { 'max-lines-per-function': ['error', { max: 40, skipBlankLines: true, skipComments: true }] } },
  restrict(['src/core/**/*.ts'], [
    { group: ['react', 'react-dom', 'react/*', 'react-dom/*', '@tanstack/*'], message: 'src/core must stay framework-agnostic: no React imports.' },
    { group: ['socket.io', 'jsonwebtoken', 'zod', 'node:*'], message: 'src/core runs in browsers: no server-side imports.' },
    { group: ['../react/*', '../react-query/*', '../ui/*', '../server/*', '../../mock-server/*'], message: 'src/core depends on nothing above it.' },
    { group: ['socketkit', 'socketkit/*'], message: 'src/core imports its own modules and ../protocol by relative path, nothing above it.' },
  ]),
  // The seed-compat facade (socketkit/compat) is a thin layer over the core's public entry.
  restrict(['src/compat/**/*.ts'], [
    { group: ['../*'], message: "Import the core by its public entry ('socketkit')." },
    { group: ['socketkit/react', 'socketkit/react-query', 'socketkit/ui', 'socketkit/server', 'socketkit/mock-server', 'react', 'react-dom', 'react/*', 'socket.io', 'jsonwebtoken', 'node:*'], message: 'socketkit/compat runs in browsers and uses only the core.' },
  ]),
  restrict(['src/react/**/*.{ts,tsx}'], [
    { group: INTERNALS, message: 'Import the public entry (socketkit, socketkit/protocol) instead of internals.' },
    { group: ['socketkit/react', 'socketkit/react-query', 'socketkit/ui', 'socketkit/server', 'socketkit/mock-server', '@tanstack/*'], message: 'socketkit/react builds on socketkit and socketkit/protocol only.' },
    SERVER_ONLY,
  ]),
  restrict(['src/react-query/**/*.{ts,tsx}'], [
    { group: INTERNALS, message: 'Import the public entry (socketkit, socketkit/react, socketkit/protocol) instead of internals.' },
    { group: ['socketkit/react-query', 'socketkit/ui', 'socketkit/server', 'socketkit/mock-server'], message: 'socketkit/react-query builds on socketkit, socketkit/react and socketkit/protocol only.' },
    SERVER_ONLY,
  ]),
  restrict(['src/ui/**/*.{ts,tsx}'], [
    { group: INTERNALS, message: 'Import the public entry (socketkit, socketkit/react, socketkit/protocol) instead of internals.' },
    { group: ['socketkit/ui', 'socketkit/server', 'socketkit/mock-server'], message: 'socketkit/ui builds on the client layers only.' },
    SERVER_ONLY,
  ]),
  // socketkit/devtools builds on socketkit and socketkit/react's peers only (docs/devtools.md).
  restrict(['src/devtools/**/*.{ts,tsx}'], [
    { group: INTERNALS, message: 'Import the public entries (socketkit, socketkit/protocol) instead of internals.' },
    { group: ['socketkit/react-query', 'socketkit/ui', 'socketkit/server', 'socketkit/server/*', 'socketkit/mock-server', 'socketkit/mock-server/*', '@tanstack/*'], message: 'socketkit/devtools builds on socketkit and socketkit/react only.' },
    SERVER_ONLY,
  ]),
  restrict(['src/server/*.ts'], SERVER_LAYER, coreEntry('src/server is the server layer: no client imports.')),
  // The server's wings, one way down (docs/architecture.md, "Server layout"):
  // the composition roots (src/server/*.ts) → socket/, http/ → operations/,
  // presence/, redis/ → sql/ → store/ (its interface) → auth/. A wing never
  // imports a composition root, nor a wing above it.
  wing('socket', [
    { group: ['../http/*', '../store/*', '!../store/store.js'], message: 'socket/ is the socket edge: it calls operations/ and sees the store only through its interface (store/store.ts), never HTTP.' },
  ]),
  wing('http', [
    { group: ['../socket/*', '../presence/*', '../store/*', '!../store/store.js', '../sql/*', '../redis/*'], message: 'http/ is the HTTP edge: it calls operations/ and the SocketkitServer, sees the store only through its interface (store/store.ts), never socket internals.' },
  ]),
  wing('operations', [
    { group: ['../socket/*', '../http/*', '../presence/*', '../store/*', '!../store/store.js', '../sql/*', '../redis/*'], message: 'operations/ are transport-neutral: no socket or HTTP code, the store only through its interface.' },
    { group: ['socket.io', 'node:http'], message: 'operations/ are transport-neutral: no socket.io, no node:http.' },
  ]),
  wing('presence', [
    { group: ['../socket/*', '../http/*', '../operations/*', '../redis/*', '../sql/*'], message: 'presence/ sits under the edges: no socket handlers, HTTP or operations.' },
  ]),
  wing('redis', [
    { group: ['../socket/*', '../http/*', '../operations/*', '../sql/*'], message: 'redis/ implements presence/cluster.ts: no socket handlers, HTTP or operations.' },
  ]),
  wing('store', [
    { group: ['../socket/*', '../http/*', '../operations/*', '../presence/*', '../redis/*', '../sql/*'], message: 'store/ is the storage interface and the memory store: it knows nothing of sockets, HTTP, operations, presence, or the SQL store built on it.' },
  ]),
  wing('sql', [
    { group: ['../socket/*', '../http/*', '../operations/*', '../presence/*', '../redis/*', '../store/*', '!../store/store.js'], message: 'sql/ is storage: the store interface only, nothing of sockets, HTTP, operations or presence.' },
  ]),
  wing('auth', [
    { group: ['../socket/*', '../http/*', '../operations/*', '../presence/*', '../store/*', '../sql/*', '../redis/*'], message: 'auth/ is the bottom wing: it imports no other wing.' },
  ]),
  restrict(['mock-server/**/*.ts'], [
    { group: ['../src/*', '../src/**'], message: 'mock-server uses the public entries (socketkit/server, socketkit/protocol) like any app.' },
    { group: ['socketkit/react', 'socketkit/react-query', 'socketkit/ui', 'socket.io-client', 'react', 'react-dom', 'react/*', 'react-dom/*', '@tanstack/*'], message: 'mock-server is a server: no client or React imports.' },
  ], coreEntry('mock-server is a server: no client imports.')),
  // The in-page server (socketkit/mock-server/browser) runs in a page: the
  // server's portable parts only, no Node APIs; socket.io-client for its transport class.
  restrict(['mock-server/browser/**/*.ts'], [
    { group: ['../src/*', '../src/**', '../../src/*', '../../src/**'], message: 'The in-page server uses the entries (socketkit/server/portable, socketkit/protocol).' },
    { group: ['node:*', 'socket.io', 'jsonwebtoken', '../index.js', '../seed.js', '../http-api.js', '../cli.js'], message: 'The in-page server runs in browsers: no Node APIs, socket.io server or JWT; only socketkit/server/portable.' },
    { group: ['socketkit/react', 'socketkit/react-query', 'socketkit/ui', 'react', 'react-dom', 'react/*', '@tanstack/*'], message: 'The in-page server is a server: no React.' },
  ], [
    ...coreEntry('The in-page server is a server: no client imports.'),
    ...['socketkit/server', 'socketkit/server/internal', 'socketkit/mock-server'].map((name) => ({ name, message: 'The in-page server runs in browsers: these entries need Node; use socketkit/server/portable.' })),
  ]),
  // What socketkit/server/portable exports must run in a browser: no Node APIs, no socket.io or JWT at run time.
  restrict(
    ['src/server/portable.ts', 'src/server/operations/**/*.ts', 'src/server/store/memory-store.ts', 'src/server/store/store.ts', 'src/server/store/seed-data.ts', 'src/server/presence/presence.ts', 'src/server/socket/connection.ts', 'src/server/socket/connection-context.ts', 'src/server/socket/requests.ts', 'src/server/socket/typing.ts', 'src/server/socket/rate-limit.ts', 'src/server/socket/token-expiry.ts', 'src/server/auth/auth-error.ts', 'src/server/logger.ts'],
    [
      ...SERVER_LAYER,
      { group: ['node:*', 'jsonwebtoken'], message: 'Part of socketkit/server/portable (the in-page server runs it in browsers): no Node APIs or JWT.' },
      { group: ['socket.io'], importNames: ['Server', 'Socket'], allowTypeImports: true, message: 'socketkit/server/portable uses socket.io for types only.' },
      { group: ['../auth/auth.js', './auth/auth.js'], allowTypeImports: true, message: 'auth.ts needs Node (jsonwebtoken); import its types only, AuthError from auth-error.ts.' },
      { group: ['../index.js', '../internal.js', '../create-server.js', '../standalone.js', '../cli.js', '../seed-compat.js', './index.js', './internal.js', './create-server.js'], message: 'socketkit/server/portable imports no composition root.' },
    ],
    coreEntry('src/server is the server layer: no client imports.'),
  ),
);
