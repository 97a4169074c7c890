/**
 * Socket.IO's admin UI (`@socket.io/admin-ui`, an optional peer dependency)
 * on socketkit's Socket.IO server, behind a login of its own
 * (docs/deploy.md, "Admin UI"). It lives in its own namespace (`/admin` by
 * default): socketkit's JWT middleware guards only the main namespace, and
 * the admin namespace is guarded by the admin UI's basic authentication
 * (a user name and a bcrypt hash; never a password in clear).
 */
import type { Server } from 'socket.io';
import { consoleLogger, type SocketkitLogger } from './logger.js';
import { PerUserRateLimit } from './socket/user-budget.js';

/** The admin UI's namespace unless `namespace` says otherwise. */
export const DEFAULT_ADMIN_UI_NAMESPACE = '/admin';

/**
 * Login attempts (handshakes carrying a password) per remote address: 5 at
 * once, then one every 5 s. Each costs a bcrypt comparison (≈ 80 ms of CPU
 * in bcryptjs at cost 10), so an unbounded stream of guesses would take the
 * CPU socketkit's users need.
 */
export const ADMIN_UI_LOGIN_LIMIT = { burst: 5, perSecond: 0.2 } as const;

/** How `@socket.io/admin-ui` is attached (`socketkit-server --admin-ui`). */
export interface AdminUiOptions {
  /** The login's user name. */
  username: string;
  /** bcrypt hash of the password (`$2a$`, `$2b$` or `$2y$`), never the password itself. */
  passwordHash: string;
  /**
   * `production` (the default): counts only (sockets per namespace, packets
   * and bytes per second). `development`: every socket with its rooms,
   * handshake headers and `socket.data`, and every event in and out with
   * its payload; each event then costs an emit to the admin namespace.
   */
  mode?: 'production' | 'development' | undefined;
  /** The admin UI's namespace; default `/admin`. Never `/` (socketkit's own). */
  namespace?: string | undefined;
  /**
   * Let the admin UI act: disconnect sockets, make them join or leave rooms,
   * emit events. These bypass socketkit's checks (a socket made to join a
   * conversation's room receives its messages). Default false: read-only.
   */
  allowActions?: boolean | undefined;
  /** The server's id in the UI (a node id in a cluster); default the host name. */
  serverId?: string | undefined;
}

const BCRYPT_HASH = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;

/** What is wrong with `options`, in words an operator can act on; `undefined` when nothing is. */
export function adminUiProblem(options: AdminUiOptions): string | undefined {
  if (options.username === '') return 'the admin UI needs a user name';
  if (!BCRYPT_HASH.test(options.passwordHash)) {
    return (
      'the admin UI password must be given as a bcrypt hash ($2a$, $2b$ or $2y$, the cost, $, then 53 characters), not the password: ' +
      `node -e "console.log(require('bcryptjs').hashSync(process.argv[1], 10))" 'your password'`
    );
  }
  const namespace = options.namespace ?? DEFAULT_ADMIN_UI_NAMESPACE;
  if (!/^\/[\w-]+$/.test(namespace)) {
    return `the admin UI namespace must be / followed by letters, digits, - or _ (not socketkit's /), got ${JSON.stringify(namespace)}`;
  }
  return undefined;
}

/**
 * Loads `@socket.io/admin-ui` and instruments `io` with it: read-only and
 * `production` mode unless `options` say otherwise, logins limited per
 * address (`ADMIN_UI_LOGIN_LIMIT`). Rejects with an `Error` naming the fix
 * when `options` are wrong or the package is missing.
 *
 * @example
 * const socketkit = createSocketkitServer(httpServer, { clientUrl: ['https://app.example.com', 'https://admin.socket.io'] });
 * await attachAdminUi(socketkit.io, { username: 'ops', passwordHash: process.env.ADMIN_UI_PASSWORD_HASH! });
 */
export async function attachAdminUi(io: Server, options: AdminUiOptions, logger: SocketkitLogger = consoleLogger): Promise<void> {
  const problem = adminUiProblem(options);
  if (problem !== undefined) throw new Error(problem);
  const { instrument } = await import('@socket.io/admin-ui').catch((error: unknown) => {
    throw new Error('the admin UI needs @socket.io/admin-ui, not installed: npm install @socket.io/admin-ui', { cause: error });
  });
  const namespaceName = options.namespace ?? DEFAULT_ADMIN_UI_NAMESPACE;
  const mode = options.mode ?? 'production';
  // Ahead of the admin UI's own middleware (io.of returns the same namespace), so a refused guess costs no bcrypt.
  const logins = new PerUserRateLimit(ADMIN_UI_LOGIN_LIMIT);
  io.of(namespaceName).use((socket, next) => {
    const auth = socket.handshake.auth as { password?: unknown };
    if (auth.password === undefined) {
      next();
      return;
    }
    const waitMs = logins.take(socket.handshake.address);
    if (waitMs === 0) {
      next();
      return;
    }
    logger.warn({ address: socket.handshake.address, retryAfterMs: Math.ceil(waitMs) }, 'admin UI: too many login attempts');
    next(new Error(`too many login attempts: retry in ${Math.ceil(waitMs / 1000)} s`));
  });
  instrument(io, {
    auth: { type: 'basic', username: options.username, password: options.passwordHash },
    namespaceName,
    mode,
    readonly: options.allowActions !== true,
    ...(options.serverId !== undefined ? { serverId: options.serverId } : {}),
  });
  logger.info(
    { namespace: namespaceName, mode, readonly: options.allowActions !== true, username: options.username },
    'admin UI: on; log in from an origin in CLIENT_URL (e.g. https://admin.socket.io)',
  );
}
