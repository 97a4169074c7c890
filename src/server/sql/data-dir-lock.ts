/**
 * One process at a time per embedded data directory, with a lock the
 * operating system releases when its owner dies, however it dies.
 *
 * The lock is a listening Unix socket named after the directory's device and
 * inode: on Linux in the abstract namespace (no file: nothing is left behind,
 * and binding is atomic), elsewhere a socket file in the temporary directory.
 * The kernel closes it with the process, so a server SIGKILLed a moment ago
 * never blocks the next start, and no unrelated process can hold it by reusing
 * a PID (the weakness of a PID file). The owner answers whoever connects with
 * its PID and host name, for the error message.
 *
 * Why not a library: `proper-lockfile` is a directory whose mtime the owner
 * refreshes (a dead owner holds it until it goes stale, 10 s by default);
 * `fs-ext`'s `flock` is a native addon that needs a compiler where socketkit
 * is installed. Node has no `flock` of its own; a socket is the OS-released
 * lock it does have. Limit: processes in different network namespaces (two
 * containers sharing the volume, each with its own network) do not see each
 * other's abstract sockets; give each server its own directory.
 */
import { statSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

/** Who holds a data directory, as its owner tells it. */
export interface LockOwner {
  pid: number;
  host: string;
}

/** The data directory is held by another live process. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner | null,
  ) {
    super(
      `The data directory ${dataDir} is in use by ${owner ? `process ${owner.pid} on ${owner.host}` : 'another process'}: ` +
        'stop that server, or give this one another --data-dir',
    );
    this.name = 'DataDirLockedError';
  }
}

/** How long a start waits for a lock still held (a server that is exiting right now) before giving up. */
export const LOCK_WAIT_MS = 3000;

function lockAddress(dataDir: string): string {
  const { dev, ino } = statSync(dataDir);
  const name = `socketkit-data-dir-${dev}-${ino}`;
  return process.platform === 'linux' ? `\0${name}` : join(tmpdir(), `${name}.sock`);
}

function listen(address: string): Promise<Server> {
  const server = createServer((socket) => {
    socket.on('error', () => socket.destroy());
    socket.end(JSON.stringify({ pid: process.pid, host: hostname() } satisfies LockOwner));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address, () => {
      server.off('error', reject);
      // The lock must not keep the process alive.
      server.unref();
      resolve(server);
    });
  });
}

/** The owner's answer, or `null` when nobody listens (a socket file its dead owner left). */
function askOwner(address: string): Promise<LockOwner | 'gone' | null> {
  return new Promise((resolve) => {
    const socket = createConnection(address);
    let text = '';
    socket.setTimeout(1000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED' || error.code === 'ENOENT' ? 'gone' : null));
    socket.on('close', () => {
      try {
        resolve(JSON.parse(text) as LockOwner);
      } catch {
        resolve(null);
      }
    });
  });
}

/**
 * Takes the lock of `dataDir` (which must exist) and returns its release.
 * Waits up to `LOCK_WAIT_MS` for a holder that is exiting; rejects with
 * `DataDirLockedError` when a live process keeps it.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const address = lockAddress(dataDir);
  const deadline = performance.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const server = await listen(address);
      return () => new Promise<void>((resolve) => server.close(() => resolve()));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
    const owner = await askOwner(address);
    // A socket file left by a dead owner (not on Linux, where the abstract name goes with its owner).
    if (owner === 'gone' && !address.startsWith('\0')) rmSync(address, { force: true });
    else if (performance.now() >= deadline) throw new DataDirLockedError(dataDir, owner === 'gone' ? null : owner);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
