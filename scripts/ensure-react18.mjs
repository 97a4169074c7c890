// `npm test` runs the hook suites on React 18 too (vitest project `react18`),
// from tests/react18/node_modules: install it from its lock file when missing.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

if (!existsSync('tests/react18/node_modules/react-dom/package.json')) {
  console.log('installing React 18 for the react18 test project (tests/react18)…');
  execFileSync('npm', ['ci', '--prefix', 'tests/react18', '--no-audit', '--no-fund'], { stdio: 'inherit' });
}
