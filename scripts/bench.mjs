#!/usr/bin/env node
// `npm run bench`: runs bench/run.ts through tsx with the soft open-file limit
// raised to the hard one (10,000 sockets need more than the usual 1,024).
// Arguments pass through: `npm run bench -- --quick --scenario storm`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const quoted = args.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
const script = `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "${process.execPath}" --import tsx bench/run.ts ${quoted}`;
const result = spawnSync('bash', ['-c', script], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
