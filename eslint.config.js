import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

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
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
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
  // The core is framework-agnostic: no React, no DOM-framework imports.
  {
    files: ['src/core/**/*.ts', 'src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['react', 'react-dom', 'react/*', 'react-dom/*', '@tanstack/*'], message: 'src/core must stay framework-agnostic: no React imports.' },
          { group: ['socket.io', 'jsonwebtoken', 'zod', 'node:*'], message: 'src/core runs in browsers: no server-side imports.' },
          { group: ['../react/*', '../ui/*', '../server/*', '../../mock-server/*'], message: 'src/core depends on nothing above it.' },
        ],
      }],
    },
  },
  // The seed-compat facade is a thin layer over the core's public entry.
  {
    files: ['src/compat/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['react', 'react-dom', 'react/*', 'socket.io', 'jsonwebtoken', 'node:*'], message: 'socketkit/compat runs in browsers and uses only the core.' },
          { group: ['../*'], message: "Import the core by its public entry ('socketkit')." },
        ],
      }],
    },
  },
  // React layer and UI kit use only public entry points of the layers below.
  {
    files: ['src/react/**/*.{ts,tsx}', 'src/react-query/**/*.{ts,tsx}', 'src/ui/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['../core/*', '../../core/*', '../protocol/*', '../react/*', '../../react/*', '../server/*'], message: 'Import the public entry (socketkit, socketkit/react, socketkit/protocol) instead of internals.' },
        ],
      }],
    },
  },
);
