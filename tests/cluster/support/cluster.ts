/**
 * Cluster test harness: socketkit nodes as real child processes sharing one
 * PostgreSQL database and one Redis, and clients connected straight to a
 * node's port.
 *
 * @example
 * const services = await startServices();
 * const a = await startNode(services, { nodeId: 'a' });
 * const alice = await connectTo(a, 'alice');
 * await a.kill('SIGKILL');
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import jwt from 'jsonwebtoken';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { startPostgres, type TestPostgres } from '../../support/postgres.js';
import { startRedis, type TestRedis } from '../../support/redis.js';
import { whenEstablished } from '../../support/wait.js';

export const CLUSTER_SECRET = 'cluster-test-secret-of-at-least-32-bytes';
const NODE_MAIN = fileURLToPath(new URL('./node-main.ts', import.meta.url));
const CLI = fileURLToPath(new URL('../../../src/server/cli.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface Services {
  redis: TestRedis;
  postgres: TestPostgres;
  databaseUrl: string;
  stop(): Promise<void>;
}

/** Redis and PostgreSQL (one fresh database) for one test file. */
export async function startServices(): Promise<Services> {
  const [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
  const databaseUrl = await postgres.createDatabase();
  return {
    redis,
    postgres,
    databaseUrl,
    async stop() {
      await Promise.all([redis.stop(), postgres.stop()]);
    },
  };
}

export interface NodeOptions {
  nodeId: string;
  graceMs?: number;
  /**
   * `cli` (default): `socketkit-server --database-url … --redis-url … --api-key …`
   * from source. `test-node`: tests/cluster/support/node-main.ts, for the
   * timings the command line does not expose (heartbeat, node timeout).
   */
  via?: 'cli' | 'test-node';
  heartbeatMs?: number;
  nodeTimeoutMs?: number;
}

/** The server API key of every CLI node. */
export const API_KEY = 'cluster-test-api-key';

export interface TestNode {
  nodeId: string;
  port: number;
  url: string;
  pid: number;
  /** Sends a signal; resolves when the process exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  readonly exited: boolean;
  /** The exit code (null while running or when killed by a signal). */
  readonly exitCode: number | null;
  /** stdout + stderr so far (for failure messages). */
  output(): string;
}

const running = new Set<ChildProcess>();

function spawnNode(services: Services, options: NodeOptions): ChildProcess {
  const graceMs = String(options.graceMs ?? 0);
  if ((options.via ?? 'cli') === 'cli') {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production' };
    for (const name of ['PORT', 'HOST', 'JWT_SECRET', 'SOCKETKIT_DATA_DIR', 'DATABASE_URL', 'REDIS_URL', 'SOCKETKIT_API_KEY']) delete env[name];
    // node + tsx in one process (not npm), so signals reach the server itself.
    return spawn(
      process.execPath,
      [
        '--import', 'tsx', CLI,
        '--port', '0', '--host', '127.0.0.1', '--secret', CLUSTER_SECRET,
        '--database-url', services.databaseUrl, '--redis-url', services.redis.url,
        '--node-id', options.nodeId, '--presence-grace-ms', graceMs, '--api-key', API_KEY,
        // These tests watch users they share no conversation with.
        '--presence-visibility', 'everyone',
      ],
      { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
  }
  return spawn(process.execPath, ['--import', 'tsx', NODE_MAIN], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      DATABASE_URL: services.databaseUrl,
      REDIS_URL: services.redis.url,
      JWT_SECRET: CLUSTER_SECRET,
      NODE_ID: options.nodeId,
      PRESENCE_GRACE_MS: graceMs,
      ...(options.heartbeatMs ? { HEARTBEAT_MS: String(options.heartbeatMs) } : {}),
      ...(options.nodeTimeoutMs ? { NODE_TIMEOUT_MS: String(options.nodeTimeoutMs) } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** The port of a node's "listening" line (the CLI's JSON log line, or node-main's plain one). */
function listeningPort(output: string): number | undefined {
  for (const line of output.split('\n')) {
    const plain = /^listening (\d+)$/.exec(line.trim());
    if (plain) return Number(plain[1]);
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === 'listening' && typeof entry.port === 'number') return entry.port;
    } catch {
      // a partial line: read again with more output
    }
  }
  return undefined;
}

/** Starts a node process; resolves once it listens (its presence registered in Redis). */
export async function startNode(services: Services, options: NodeOptions): Promise<TestNode> {
  const child = spawnNode(services, options);
  running.add(child);
  let output = '';
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exit.then(() => running.delete(child));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node ${options.nodeId} did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const found = listeningPort(output);
      if (found !== undefined) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`node ${options.nodeId} exited (${child.exitCode}):\n${output}`));
    });
  });
  return {
    nodeId: options.nodeId,
    port,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid as number,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exit;
    },
    get exited() {
      return child.exitCode !== null || child.signalCode !== null;
    },
    get exitCode() {
      return child.exitCode;
    },
    output: () => output,
  };
}

/** SIGKILLs every node still running (afterAll safety net). */
export async function killAllNodes(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

const clients = new Set<Socket>();

export function signToken(userId: string, expiresInS = 3600): string {
  return jwt.sign({ userId }, CLUSTER_SECRET, { algorithm: 'HS256', expiresIn: expiresInS });
}

export interface ConnectOptions extends Partial<ManagerOptions & SocketOptions> {
  token?: string;
  timeoutMs?: number;
}

/** A socket of `userId` on `node`, resolved after `connection:established`. */
export function connectTo(node: { url: string }, userId: string, opts: ConnectOptions = {}): Promise<Socket> {
  const { token, timeoutMs = 10_000, ...ioOptions } = opts;
  const client = io(node.url, {
    forceNew: true,
    reconnection: false,
    transports: ['websocket'],
    auth: { token: token ?? signToken(userId) },
    ...ioOptions,
  });
  clients.add(client);
  return whenEstablished(client, timeoutMs, `connect(${userId}) to ${node.url}`);
}

/** Closes every client made by `connectTo`. */
export function closeClients(): void {
  for (const client of clients) client.disconnect();
  clients.clear();
}

/** GET/POST JSON against a node (with the server API key). */
export async function request<T>(node: { url: string }, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${node.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${API_KEY}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? null : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: (await response.json().catch(() => null)) as T };
}

/** `GET /server/users/:userId/presence` on `node`: what that node says of the user. */
export async function presenceOf(node: TestNode, userId: string): Promise<{ online: boolean; since?: string; lastSeen?: string }> {
  const response = await request<{ online: boolean }>(node, `/server/users/${encodeURIComponent(userId)}/presence`);
  if (response.status !== 200) throw new Error(`presence of ${userId}: ${response.status}`);
  return response.body;
}

/** Every page of `GET /server/online-users` on `node`: the online user ids, in order. */
export async function onlineUsers(node: TestNode): Promise<string[]> {
  const ids: string[] = [];
  for (let cursor: string | undefined; ; ) {
    const query = cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const page = await request<{ users: { userId: string }[]; hasMore: boolean; nextCursor?: string }>(node, `/server/online-users?limit=1000${query}`);
    if (page.status !== 200) throw new Error(`online users: ${page.status}`);
    for (const user of page.body.users) ids.push(user.userId);
    if (!page.body.hasMore) return ids;
    cursor = page.body.nextCursor;
  }
}

/** Engine.IO connections on this node alone (`/health`). */
export async function localConnections(node: TestNode): Promise<number> {
  return (await request<{ connections: number }>(node, '/health')).body.connections;
}
