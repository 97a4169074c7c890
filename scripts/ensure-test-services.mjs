// `npm test` starts its own PostgreSQL, Redis and HAProxy and drives Debian's
// Chromium (the tests start and stop them; nothing runs beforehand). This
// checks that their programs are installed and, on a Debian machine where it
// runs as root (CI, a fresh container), installs the missing packages with
// apt-get, as `.ci/run` does. Elsewhere it says what to install and exits 1.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/** Program the tests run → the Debian package that provides it. */
const REQUIRED = [
  { program: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', debianPackage: 'chromium' },
  { program: '/usr/lib/postgresql/15/bin/initdb', debianPackage: 'postgresql-15' },
  { program: '/usr/bin/redis-server', debianPackage: 'redis-server' },
  { program: '/usr/sbin/haproxy', debianPackage: 'haproxy' },
];

const missing = REQUIRED.filter(({ program }) => !existsSync(program)).map(({ debianPackage }) => debianPackage);
if (missing.length > 0) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    console.log(`installing Debian packages the tests start themselves: ${missing.join(' ')} (apt-get)…`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
  } else {
    console.error(`npm test needs these Debian packages: ${missing.join(' ')}`);
    console.error(`install them first: sudo apt-get install -y ${missing.join(' ')}`);
    process.exit(1);
  }
}
