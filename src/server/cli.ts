#!/usr/bin/env node
/**
 * `socketkit-server`: the production server (docs/deploy.md, "Every flag").
 * Flags win over environment variables. Exit codes: 0 after SIGTERM/SIGINT,
 * 1 when it cannot start for another reason (no secret, an optional package missing,
 * `--admin-ui` without its login or with a password for its hash),
 * 2 for a usage error (unknown flag, two storages, `--redis-url` without
 * PostgreSQL), and 3–9 for the start-up failures of `STARTUP_EXIT_CODES`
 * (data directory not writable, disk full, data directory in use, cannot
 * listen, PostgreSQL or Redis unreachable, schema broken). Log lines are
 * JSON, one object per line (pino).
 *
 * pino, like the storage and Redis packages, is an optional peer dependency
 * (an app that only uses the hooks installs none of them): the command loads
 * it lazily and, when a package its configuration needs is missing, exits 1
 * naming every missing one.
 */
import { parseArgs } from 'node:util';
import type { Logger, LevelWithSilent } from 'pino';
import type { LogFields, SocketkitLogger } from './logger.js';
import { adminUiProblem, type AdminUiOptions } from './admin-ui.js';
import { redactUrl, startStandaloneServer, type SecurityLimits, type StandaloneServer, type StorageConfig } from './standalone.js';
import { describeCause, STARTUP_EXIT_CODES, StartupError } from './startup-error.js';

const USAGE = `Usage: socketkit-server [options]

  --port N                port (env PORT, default 3001; 0 = any free port)
  --host H                interface (env HOST, default 0.0.0.0)
  --secret S              JWT secret (env JWT_SECRET). Required: no fallback
  --data-dir DIR          embedded durable database in DIR (env SOCKETKIT_DATA_DIR);
                          the default storage, in ./socketkit-data
  --database-url URL      PostgreSQL, postgres://… (env DATABASE_URL)
  --memory                in memory: nothing survives a restart
  --redis-url URL         several nodes through Redis (env REDIS_URL); needs PostgreSQL
  --api-key K             turns on the server API /server/* (env SOCKETKIT_API_KEY)
  --node-id ID            this node's id in a cluster (default: host name and PID)
  --presence-grace-ms N   how long a user whose last socket left stays online (default 2000)
  --presence-visibility V conversations (default: a user sees those they share a
                          conversation with) | everyone (env SOCKETKIT_PRESENCE_VISIBILITY)
Limits (docs/security.md; each also an env variable SOCKETKIT_<NAME>, e.g. SOCKETKIT_MAX_SOCKETS_PER_USER):
  --max-sockets-per-user N          default 32
  --max-watches-per-user N          presence watches over a user's sockets, default 20000
  --max-pending-requests-per-user N requests being answered at once, default 64
  --conversations-per-hour N        conversation:create per user (burst and hourly refill), default 60; 0 = unlimited
  --max-token-lifetime-s N          tokens need exp, at most this long; default 86400; 0 = no exp needed
  --connect-timeout-ms N            time to send a token on a new session, default 10000
  --max-pending-sessions N          sessions without a token at once, default 5000
  --max-pending-sessions-per-address N  of those from one address, default 256
  --log-level L           fatal | error | warn | info | debug | trace | silent (default info)
  -h, --help              this help
Admin UI (Socket.IO's @socket.io/admin-ui, docs/deploy.md "Admin UI"; off by default):
  --admin-ui                      turns it on (env SOCKETKIT_ADMIN_UI=1); needs a user name and a bcrypt password hash:
  --admin-ui-username U           (env SOCKETKIT_ADMIN_UI_USERNAME)
  --admin-ui-password-hash H      (env SOCKETKIT_ADMIN_UI_PASSWORD_HASH), never the password
  --admin-ui-mode M               production (default: counts only) | development (every
                                  socket, room and event, payloads included; costs per event)
  --admin-ui-namespace NS         default /admin
  --admin-ui-allow-actions        let it disconnect sockets, join/leave rooms, emit (default read-only)

Env: CLIENT_URL (allowed browser origins, comma separated).
Exactly one storage flag; a storage flag overrides the storage variables.

Packages to install next to socketkit (optional peer dependencies): pino, plus
@electric-sql/pglite (--data-dir, the default) or pg (--database-url), plus
redis and @socket.io/redis-streams-adapter with --redis-url, plus
@socket.io/admin-ui with --admin-ui.`;

const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Shortest JWT secret accepted: HS256's key should be as long as its hash, 256 bits (RFC 7518 §3.2). */
export const MIN_SECRET_BYTES = 32;


const LIMIT_FLAGS: readonly { name: string; key: Exclude<keyof SecurityLimits, 'presenceVisibility'>; max: number }[] = [
  { name: 'max-sockets-per-user', key: 'maxSocketsPerUser', max: 1_000_000 },
  { name: 'max-watches-per-user', key: 'maxWatchesPerUser', max: 10_000_000 },
  { name: 'max-pending-requests-per-user', key: 'maxPendingRequestsPerUser', max: 1_000_000 },
  { name: 'conversations-per-hour', key: 'conversationsPerHour', max: 1_000_000 },
  { name: 'max-token-lifetime-s', key: 'maxTokenLifetimeS', max: 10 * 365 * 86_400 },
  { name: 'connect-timeout-ms', key: 'connectTimeoutMs', max: 600_000 },
  { name: 'max-pending-sessions', key: 'maxPendingSessions', max: 10_000_000 },
  { name: 'max-pending-sessions-per-address', key: 'maxPendingSessionsPerAddress', max: 10_000_000 },
];

/** The limit flags, else their `SOCKETKIT_*` variables. */
function parseLimits(values: Record<string, string | undefined>, env: NodeJS.ProcessEnv): SecurityLimits {
  const limits: SecurityLimits = {};
  for (const flag of LIMIT_FLAGS) {
    const variable = `SOCKETKIT_${flag.name.toUpperCase().replaceAll('-', '_')}`;
    const raw = values[flag.name] ?? nonEmpty(env[variable]);
    if (raw !== undefined) limits[flag.key] = integer(`--${flag.name}`, raw, 0, flag.max);
  }
  const visibility = values['presence-visibility'] ?? nonEmpty(env.SOCKETKIT_PRESENCE_VISIBILITY);
  if (visibility !== undefined) {
    if (visibility !== 'conversations' && visibility !== 'everyone') {
      throw new UsageError('--presence-visibility must be conversations or everyone');
    }
    limits.presenceVisibility = visibility;
  }
  return limits;
}

/** A usage error: the command exits 2 saying why. */
class UsageError extends Error {}
/** A configuration that cannot start: exits 1 saying why. */
class StartError extends Error {}

/** The command line, validated. */
export interface CliConfig {
  port: number;
  host: string;
  secret: string;
  storage: StorageConfig;
  redisUrl?: string;
  apiKey?: string;
  nodeId?: string;
  presenceGraceMs: number;
  logLevel: LevelWithSilent;
  /** The security limits of the flags (docs/security.md), each absent for the library's default. */
  limits: SecurityLimits;
  /** `--admin-ui` and its credentials; absent = off. */
  adminUi?: AdminUiOptions;
}

const nonEmpty = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);

function integer(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value > max) throw new UsageError(`${name} must be an integer from 0 to ${max}`);
  return value;
}

/** The storage of the flags, else of the variables, else the embedded default (docs/deploy.md, "Every flag"). */
function chooseStorage(
  flags: { 'data-dir'?: string; 'database-url'?: string; memory?: boolean },
  env: NodeJS.ProcessEnv,
): StorageConfig {
  const chosen: StorageConfig[] = [];
  if (flags['data-dir'] !== undefined) chosen.push({ kind: 'embedded', dataDir: flags['data-dir'] });
  if (flags['database-url'] !== undefined) chosen.push({ kind: 'postgres', databaseUrl: flags['database-url'] });
  if (flags.memory === true) chosen.push({ kind: 'memory' });
  if (chosen.length > 1) {
    throw new UsageError('choose one storage: --data-dir, --database-url or --memory, not several');
  }
  const [flag] = chosen;
  if (flag) return flag;
  const dataDir = nonEmpty(env.SOCKETKIT_DATA_DIR);
  const databaseUrl = nonEmpty(env.DATABASE_URL);
  if (dataDir !== undefined && databaseUrl !== undefined) {
    throw new UsageError('both SOCKETKIT_DATA_DIR and DATABASE_URL are set: unset one, or choose with a storage flag');
  }
  if (databaseUrl !== undefined) return { kind: 'postgres', databaseUrl };
  return { kind: 'embedded', dataDir: dataDir ?? './socketkit-data' };
}

/**
 * Parses argv and the environment. Throws `UsageError` (exit 2) or
 * `StartError` (exit 1); returns `null` for `--help`.
 */
export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv): CliConfig | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        secret: { type: 'string' },
        'data-dir': { type: 'string' },
        'database-url': { type: 'string' },
        memory: { type: 'boolean' },
        'redis-url': { type: 'string' },
        'api-key': { type: 'string' },
        'node-id': { type: 'string' },
        'presence-grace-ms': { type: 'string' },
        'presence-visibility': { type: 'string' },
        ...Object.fromEntries(LIMIT_FLAGS.map((flag) => [flag.name, { type: 'string' as const }])),
        'log-level': { type: 'string' },
        'admin-ui': { type: 'boolean' },
        'admin-ui-username': { type: 'string' },
        'admin-ui-password-hash': { type: 'string' },
        'admin-ui-mode': { type: 'string' },
        'admin-ui-namespace': { type: 'string' },
        'admin-ui-allow-actions': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return null;
  // Every string flag: an empty value is a mistake (`--host ""` would bind every interface), never "the default".
  for (const [name, value] of Object.entries(values)) {
    if (value === '') throw new UsageError(`--${name} needs a value`);
  }

  const storage = chooseStorage(values, env);
  const redisUrl = values['redis-url'] ?? nonEmpty(env.REDIS_URL);
  if (redisUrl !== undefined && storage.kind !== 'postgres') {
    throw new UsageError(
      `--redis-url (several nodes) needs PostgreSQL (--database-url or DATABASE_URL); the storage is ${storage.kind === 'embedded' ? `the embedded database in ${storage.dataDir}` : 'in memory'}`,
    );
  }
  const logLevel = (values['log-level'] ?? 'info') as LevelWithSilent;
  if (!LOG_LEVELS.includes(logLevel)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);

  const secret = values.secret ?? nonEmpty(env.JWT_SECRET);
  if (secret === undefined) {
    throw new StartError('a JWT secret is required: pass --secret or set JWT_SECRET (there is no default)');
  }
  const config: CliConfig = {
    port: integer('--port', values.port ?? env.PORT, 3001, 65535),
    host: values.host ?? nonEmpty(env.HOST) ?? '0.0.0.0',
    secret,
    storage,
    presenceGraceMs: integer('--presence-grace-ms', values['presence-grace-ms'], 2000, 3_600_000),
    logLevel,
    limits: parseLimits(values as Record<string, string | undefined>, env),
  };
  if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
    throw new StartError(
      `the JWT secret is ${Buffer.byteLength(secret, 'utf8')} bytes: HS256 needs at least ${MIN_SECRET_BYTES} (e.g. openssl rand -base64 48)`,
    );
  }
  const apiKey = values['api-key'] ?? nonEmpty(env.SOCKETKIT_API_KEY);
  if (apiKey !== undefined) config.apiKey = apiKey;
  if (redisUrl !== undefined) config.redisUrl = redisUrl;
  if (values['node-id'] !== undefined) config.nodeId = values['node-id'];
  const adminUi = parseAdminUi(values, env);
  if (adminUi !== undefined) config.adminUi = adminUi;
  return config;
}

/** The admin UI's flags as `parseArgs` gives them. */
interface AdminUiFlags {
  'admin-ui'?: boolean | undefined;
  'admin-ui-username'?: string | undefined;
  'admin-ui-password-hash'?: string | undefined;
  'admin-ui-mode'?: string | undefined;
  'admin-ui-namespace'?: string | undefined;
  'admin-ui-allow-actions'?: boolean | undefined;
}

/** The flags of the admin UI that only mean something with `--admin-ui`. */
const ADMIN_UI_DETAIL_FLAGS = ['admin-ui-username', 'admin-ui-password-hash', 'admin-ui-mode', 'admin-ui-namespace', 'admin-ui-allow-actions'] as const;

/**
 * `--admin-ui` and its credentials (flags, else `SOCKETKIT_ADMIN_UI_*`).
 * There is no default login: without both the command exits 1.
 */
function parseAdminUi(values: AdminUiFlags, env: NodeJS.ProcessEnv): AdminUiOptions | undefined {
  const enabled = values['admin-ui'] === true || env.SOCKETKIT_ADMIN_UI === '1' || env.SOCKETKIT_ADMIN_UI === 'true';
  if (!enabled) {
    const stray = ADMIN_UI_DETAIL_FLAGS.find((name) => values[name] !== undefined);
    if (stray !== undefined) throw new UsageError(`--${stray} needs --admin-ui`);
    return undefined;
  }
  const mode = values['admin-ui-mode'] ?? 'production';
  if (mode !== 'production' && mode !== 'development') throw new UsageError('--admin-ui-mode must be production or development');
  const username = values['admin-ui-username'] ?? nonEmpty(env.SOCKETKIT_ADMIN_UI_USERNAME);
  const passwordHash = values['admin-ui-password-hash'] ?? nonEmpty(env.SOCKETKIT_ADMIN_UI_PASSWORD_HASH);
  if (username === undefined || passwordHash === undefined) {
    throw new StartError(
      '--admin-ui needs a login (there is no default): set SOCKETKIT_ADMIN_UI_USERNAME and SOCKETKIT_ADMIN_UI_PASSWORD_HASH ' +
        '(or --admin-ui-username and --admin-ui-password-hash), the hash made with bcrypt (docs/deploy.md, "Admin UI")',
    );
  }
  const options: AdminUiOptions = {
    username,
    passwordHash,
    mode,
    namespace: values['admin-ui-namespace'],
    allowActions: values['admin-ui-allow-actions'] === true,
  };
  const problem = adminUiProblem(options);
  if (problem !== undefined) throw new StartError(problem);
  return options;
}

/**
 * The optional peer dependencies `config` needs: pino always, then the
 * storage's driver (`@electric-sql/pglite` or `pg`; none in memory), with
 * `--redis-url` `redis` and `@socket.io/redis-streams-adapter`, and with
 * `--admin-ui` `@socket.io/admin-ui`.
 */
export function requiredPackages(config: CliConfig): string[] {
  const packages = ['pino'];
  if (config.storage.kind === 'embedded') packages.push('@electric-sql/pglite');
  if (config.storage.kind === 'postgres') packages.push('pg');
  if (config.redisUrl !== undefined) packages.push('redis', '@socket.io/redis-streams-adapter');
  if (config.adminUi !== undefined) packages.push('@socket.io/admin-ui');
  return packages;
}

/** The names among `packages` that do not resolve from this module (Node's ES module resolution). */
function missingPackages(packages: string[]): string[] {
  return packages.filter((name) => {
    try {
      import.meta.resolve(name);
      return false;
    } catch {
      return true;
    }
  });
}

/** socketkit's logger interface over pino: one JSON object per line. */
export function pinoLogger(logger: Logger): SocketkitLogger {
  return {
    info: (first: string | LogFields, message?: string) => (typeof first === 'string' ? logger.info(first) : logger.info(first, message)),
    warn: (first: string | LogFields, message?: string) => (typeof first === 'string' ? logger.warn(first) : logger.warn(first, message)),
    error: (first: string | LogFields, second?: unknown) => {
      if (typeof first !== 'string') logger.error(first, second as string);
      else if (second === undefined) logger.error(first);
      else logger.error({ err: second }, first);
    },
    // Only at `--log-level debug` (or trace): the server's trace lines are made only when the logger has `debug`.
    ...(logger.isLevelEnabled('debug') ? { debug: (fields: LogFields, message: string) => logger.debug(fields, message) } : {}),
  };
}

/** Stop within this long after SIGTERM/SIGINT, or exit 1 (docs/deploy.md, "Shutting down": exit 0 within 10 s). */
const SHUTDOWN_LIMIT_MS = 9000;

async function main(): Promise<void> {
  let config: CliConfig | null;
  try {
    config = parseCommandLine(process.argv.slice(2), process.env);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UsageError) {
      console.error(`socketkit-server: ${message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error(`socketkit-server: ${message}`);
    process.exit(1);
  }
  if (config === null) {
    console.log(USAGE);
    return;
  }
  const missing = missingPackages(requiredPackages(config));
  if (missing.length > 0) {
    console.error(
      `socketkit-server: this configuration needs ${missing.join(', ')}, not installed (optional peer dependencies of socketkit).\n` +
        `Install them next to socketkit: npm install ${missing.join(' ')}`,
    );
    process.exit(1);
  }
  const { pino } = await import('pino');
  const log = pino({ level: config.logLevel, base: { pid: process.pid, ...(config.nodeId ? { nodeId: config.nodeId } : {}) } });
  const logger = pinoLogger(log);

  // Handlers go in before anything listens: whoever waits for "listening" may signal at once,
  // or during startup (migrations, the database lock, Redis), when the start is awaited and
  // whatever it opened is closed before exiting.
  let starting: Promise<StandaloneServer> | null = null;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping: closing sockets and the database');
    setTimeout(() => {
      log.error('shutdown took too long; exiting anyway');
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    // A failed start is logged by its own catch below, which has already closed what it opened.
    const started = starting ? starting.then((server) => server, () => null) : Promise.resolve(null);
    started
      .then(async (server) => {
        if (server) await server.close();
        log.info('stopped');
        process.exit(server || starting === null ? 0 : 1);
      })
      .catch((error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  // A rejection nobody handled is a bug to log, not a reason to drop every user's connection (issue 24 #1).
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const storage =
    config.storage.kind === 'postgres' ? { kind: 'postgres', url: redactUrl(config.storage.databaseUrl) } : config.storage;
  starting = startStandaloneServer({
    port: config.port,
    host: config.host,
    secret: config.secret,
    storage: config.storage,
    apiKey: config.apiKey,
    presenceGraceMs: config.presenceGraceMs,
    limits: config.limits,
    redisUrl: config.redisUrl,
    nodeId: config.nodeId,
    adminUi: config.adminUi,
    logger,
  });
  let server: StandaloneServer;
  try {
    server = await starting;
  } catch (error) {
    const code = error instanceof StartupError ? STARTUP_EXIT_CODES[error.reason] : 1;
    const reason = error instanceof StartupError ? error.reason : undefined;
    log.fatal({ err: error, storage, reason, exitCode: code }, `cannot start: ${describeCause(error)}`);
    if (!stopping) process.exit(code);
    return;
  }
  if (stopping) return;
  log.info({ url: server.url, port: server.port, storage, serverApi: config.apiKey !== undefined }, 'listening');
}

void main();
