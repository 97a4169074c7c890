/**
 * What is wrong with a data directory a store could not open, in words:
 * read-only or not writable by this user, or on a full disk. PGlite and
 * Node report these poorly (`ENOENT … mkdir` for a read-only parent, an
 * errno object for a full disk), so the directory is examined after a failure.
 */
import { accessSync, constants, existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeCause, StartupError } from '../startup-error.js';

/** Less free space than this on the data directory's disk is a full disk for the database. */
export const MIN_FREE_BYTES = 16 * 1024 * 1024;

const WRITE_CAUSES: Record<string, string> = {
  EROFS: 'it is on a read-only file system',
  EACCES: `this user (uid ${process.getuid?.() ?? '?'}) may not write there`,
  EPERM: `this user (uid ${process.getuid?.() ?? '?'}) may not write there`,
  ENOTDIR: 'a part of the path is a file, not a directory',
};

/** The directory itself or its nearest existing ancestor. */
function nearestExisting(path: string): string {
  let current = path;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

/**
 * The `StartupError` that explains why `dataDir` failed with `error`, or
 * `null` when the directory looks fine (the error is something else).
 */
export function dataDirProblem(dataDir: string, error: unknown): StartupError | null {
  const existing = nearestExisting(dataDir);
  const code = (error as NodeJS.ErrnoException | null)?.code;
  let freeBytes = Infinity;
  try {
    const { bavail, bsize } = statfsSync(existing);
    freeBytes = bavail * bsize;
  } catch {
    // statfs unsupported: rely on the error code alone.
  }
  let writeCode = code !== undefined && code in WRITE_CAUSES ? code : undefined;
  try {
    accessSync(existing, constants.W_OK);
  } catch (accessError) {
    writeCode = (accessError as NodeJS.ErrnoException).code ?? writeCode;
  }
  if (writeCode !== undefined && writeCode in WRITE_CAUSES) {
    return new StartupError(
      'DATA_DIR_UNWRITABLE',
      `The data directory ${dataDir} cannot be written: ${WRITE_CAUSES[writeCode]} (${writeCode} at ${existing}). ` +
        'Give the server a writable directory (--data-dir / SOCKETKIT_DATA_DIR), or make this one writable by its user.',
      { cause: error },
    );
  }
  if (code === 'ENOSPC' || code === 'EDQUOT' || freeBytes < MIN_FREE_BYTES) {
    return new StartupError(
      'DISK_FULL',
      `The disk of the data directory ${dataDir} is full (${Math.round(freeBytes / 1024)} KB free, the database needs at least ${MIN_FREE_BYTES / 1024 / 1024} MB): ` +
        `free space on it, or move the data to a larger disk (--data-dir / SOCKETKIT_DATA_DIR). Cause: ${describeCause(error)}`,
      { cause: error },
    );
  }
  return null;
}
