#!/usr/bin/env node
/**
 * Compiles tests/types/exact-optional.tsx as a user's project with
 * `exactOptionalPropertyTypes: true` would see socketkit's public types:
 * every optional option accepts an explicit `undefined`. Errors in
 * socketkit's own sources are not this check's subject (a user compiles the
 * published .d.ts with `skipLibCheck`; src/ is checked by `tsc -p tsconfig.json`
 * with the project's settings), so only errors in tests/types/ fail it.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const run = spawnSync(process.execPath, [tsc, '-p', 'tests/types/tsconfig.json'], { encoding: 'utf8' });
const errors = run.stdout.split('\n').filter((line) => line.startsWith('tests/types/'));
if (run.error) throw run.error;
if (errors.length > 0) {
  console.error(`exactOptionalPropertyTypes: the public types refuse an explicit undefined:\n${errors.join('\n')}`);
  process.exit(1);
}
console.log('exactOptionalPropertyTypes: every public option accepts an explicit undefined');
