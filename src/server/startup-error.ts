/**
 * Why a server could not start, in words an operator can act on: what (the
 * path or address), the cause, and what to do. `socketkit-server` exits with
 * `STARTUP_EXIT_CODES[reason]` (docs/deploy.md, "Exit codes").
 */

/** The kinds of start-up failure that have their own exit code. */
export type StartupFailure =
  | 'DATA_DIR_UNWRITABLE'
  | 'DISK_FULL'
  | 'DATA_DIR_LOCKED'
  | 'CANNOT_LISTEN'
  | 'DATABASE_UNREACHABLE'
  | 'REDIS_UNREACHABLE'
  | 'SCHEMA_BROKEN';

/** Exit code of each failure; 1 is any other failure to start, 2 a usage error. */
export const STARTUP_EXIT_CODES: Readonly<Record<StartupFailure, number>> = {
  DATA_DIR_UNWRITABLE: 3,
  DISK_FULL: 4,
  DATA_DIR_LOCKED: 5,
  CANNOT_LISTEN: 6,
  DATABASE_UNREACHABLE: 7,
  REDIS_UNREACHABLE: 8,
  SCHEMA_BROKEN: 9,
};

/** A failure to start; `message` names the path or address, the cause and the fix. */
export class StartupError extends Error {
  constructor(
    readonly reason: StartupFailure,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'StartupError';
  }
}

/** A thrown value's words: PGlite throws objects that are not `Error`s (`[object Object]`). */
export function describeCause(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null) {
    const { code, errno, message } = error as { code?: unknown; errno?: unknown; message?: unknown };
    if (typeof message === 'string' && message !== '') return message;
    if (code !== undefined || errno !== undefined) return `error ${String(code ?? `errno ${String(errno)}`)}`;
    try {
      return JSON.stringify(error);
    } catch {
      return 'unknown error';
    }
  }
  return String(error);
}
