/**
 * `socketkit-server --admin-ui` (docs/deploy.md, "Admin UI"): Socket.IO's
 * admin UI on the real command, logged in as the hosted UI logs in (a
 * socket.io-client on the admin namespace with `auth: { username, password }`),
 * showing what an operator looks at: socketkit's sockets and their rooms.
 */
import jwt from 'jsonwebtoken';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { conversationRoom, userRoom } from '../../src/protocol/index.js';
import { killServerClis, runServerCli } from '../support/server-cli.js';
import { emitAck, once, waitFor, whenEstablished } from '../support/wait.js';

const SECRET = 'a-test-secret-of-at-least-32-bytes';
/** bcrypt (cost 10) of "changeit", as @socket.io/admin-ui's README gives it. */
const PASSWORD_HASH = '$2b$10$heqvAkYMez.Va6Et2uXInOnkCT6/uQj1brkrbyG3LpopDklcq7ZOS';
const LOGIN = { SOCKETKIT_ADMIN_UI_USERNAME: 'ops', SOCKETKIT_ADMIN_UI_PASSWORD_HASH: PASSWORD_HASH };

/** What the admin UI is sent about one socket (`all_sockets`, `socket_connected`). */
interface AdminSocket {
  id: string;
  nsp: string;
  rooms: string[];
  data: { userId?: string };
}
interface ServerStats {
  clientsCount: number;
  namespaces: { name: string; socketsCount: number }[];
}

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  killServerClis();
});

function user(url: string, userId: string): Socket {
  const socket = io(url, {
    auth: { token: jwt.sign({ userId }, SECRET, { expiresIn: 60 }) },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  sockets.push(socket);
  return socket;
}

/** The hosted admin UI's connection: the admin namespace, basic credentials in `auth`. */
function admin(url: string, password: string, namespace = '/admin'): Socket {
  const socket = io(`${url}${namespace}`, { auth: { username: 'ops', password }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(socket);
  return socket;
}

async function startServer(args: string[], env: Record<string, string> = LOGIN): Promise<string> {
  return runServerCli(['--port', '0', '--memory', '--secret', SECRET, ...args], { env }).listening();
}

describe('socketkit-server --admin-ui', () => {
  it('development mode: the admin sees socketkit sockets with their user and conversation rooms, live', async () => {
    const url = await startServer(['--admin-ui', '--admin-ui-mode', 'development']);
    const alice = user(url, 'alice');
    await once(alice, 'connection:established', 10_000);
    const created = await emitAck<{ ok: true; conversation: { id: string } }>(alice, 'conversation:create', { participantIds: ['bob'] });
    expect(await emitAck(alice, 'conversation:join', created.conversation.id)).toMatchObject({ ok: true });

    const ops = admin(url, 'changeit');
    const snapshot = once<AdminSocket[]>(ops, 'all_sockets', 10_000);
    const session = once<string>(ops, 'session', 10_000);
    await once(ops, 'connect', 10_000);
    expect(await session).toMatch(/^[0-9a-f]{16}$/);
    const aliceSeen = (await snapshot).find((s) => s.id === alice.id);
    expect(aliceSeen).toMatchObject({ nsp: '/', data: { userId: 'alice' } });
    expect(aliceSeen!.rooms).toEqual(expect.arrayContaining([userRoom('alice'), conversationRoom(created.conversation.id)]));

    // Live: bob connects and joins the conversation while the operator watches.
    const joined: [string, string, string][] = [];
    ops.on('room_joined', (nsp: string, room: string, id: string) => joined.push([nsp, room, id]));
    const bob = user(url, 'bob');
    await once(bob, 'connection:established', 10_000);
    expect(await emitAck(bob, 'conversation:join', created.conversation.id)).toMatchObject({ ok: true });
    await waitFor(() => joined.some(([, room, id]) => id === bob.id && room === conversationRoom(created.conversation.id)), {
      timeoutMs: 5000,
      message: 'room_joined of bob in the conversation room',
    });
    expect(joined).toContainEqual(['/', userRoom('bob'), bob.id]);

    const stats = await once<ServerStats>(ops, 'server_stats', 10_000);
    expect(stats.namespaces).toEqual(expect.arrayContaining([{ name: '/', socketsCount: 2 }, { name: '/admin', socketsCount: 1 }]));
  }, 60_000);

  it('production mode (the default) is read-only counts: no sockets, no payloads; wrong logins are refused, then limited', async () => {
    const url = await startServer(['--admin-ui']);
    const alice = user(url, 'alice');
    await once(alice, 'connection:established', 10_000);
    const ops = admin(url, 'changeit');
    const config = once<{ supportedFeatures: string[] }>(ops, 'config', 10_000);
    const snapshots: unknown[] = [];
    ops.on('all_sockets', (all: unknown) => snapshots.push(all));
    // Read-only and counts only: no join/leave/disconnect/emit, no per-event feed.
    expect((await config).supportedFeatures).toEqual(['AGGREGATED_EVENTS']);
    const stats = await once<ServerStats>(ops, 'server_stats', 10_000);
    expect(stats.namespaces).toEqual(expect.arrayContaining([{ name: '/', socketsCount: 1 }, { name: '/admin', socketsCount: 1 }]));
    expect(snapshots).toEqual([]);

    // 1 login spent above; 4 wrong ones are compared, the 6th attempt from this address is not.
    for (let attempt = 2; attempt <= 5; attempt++) {
      const error = await once<Error>(admin(url, 'wrong'), 'connect_error', 10_000);
      expect(error.message).toBe('invalid credentials');
    }
    const limited = await once<Error>(admin(url, 'changeit'), 'connect_error', 10_000);
    expect(limited.message).toMatch(/^too many login attempts: retry in \d+ s$/);
    // A socketkit token is no admin login, and admin credentials are no socketkit token.
    const tokenOnAdmin = io(`${url}/admin`, { auth: { token: jwt.sign({ userId: 'alice' }, SECRET, { expiresIn: 60 }) }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(tokenOnAdmin);
    expect((await once<Error>(tokenOnAdmin, 'connect_error', 10_000)).message).toBe('invalid credentials');
    const loginOnSocketkit = io(url, { auth: { username: 'ops', password: 'changeit' }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(loginOnSocketkit);
    expect((await once<Error & { data?: { code?: string } }>(loginOnSocketkit, 'connect_error', 10_000)).data?.code).toBe('TOKEN_MISSING');
  }, 60_000);

  it('a logged-in admin is no session waiting for a token: it does not count against the pending-session bounds', async () => {
    const url = await startServer(['--admin-ui', '--max-pending-sessions-per-address', '1']);
    const ops = admin(url, 'changeit');
    await once(ops, 'connect', 10_000);
    await whenEstablished(user(url, 'alice'), 10_000, 'alice, from the admin\'s address');
  }, 60_000);

  it('is off by default: there is no admin namespace, socketkit works as ever', async () => {
    const url = await startServer([], {});
    const alice = user(url, 'alice');
    await once(alice, 'connection:established', 10_000);
    const error = await once<Error>(admin(url, 'changeit'), 'connect_error', 10_000);
    expect(error.message).toBe('Invalid namespace');
  }, 60_000);

  it('refuses to start without a login (exit 1; turned on by flag or by SOCKETKIT_ADMIN_UI=1), with a password instead of a hash (exit 1), or stray admin flags (exit 2)', async () => {
    const base = ['--port', '0', '--memory', '--secret', SECRET];
    const [noLogin, noLoginByEnv, plainPassword, stray, rootNamespace] = [
      runServerCli([...base, '--admin-ui'], { env: { SOCKETKIT_ADMIN_UI_USERNAME: 'ops' } }),
      runServerCli(base, { env: { SOCKETKIT_ADMIN_UI: '1', SOCKETKIT_ADMIN_UI_USERNAME: 'ops' } }),
      runServerCli([...base, '--admin-ui', '--admin-ui-username', 'ops', '--admin-ui-password-hash', 'changeit']),
      runServerCli([...base, '--admin-ui-mode', 'development']),
      runServerCli([...base, '--admin-ui', '--admin-ui-namespace', '/'], { env: LOGIN }),
    ];
    expect(await noLogin!.exited).toBe(1);
    expect(noLogin!.err()).toContain('--admin-ui needs a login (there is no default): set SOCKETKIT_ADMIN_UI_USERNAME and SOCKETKIT_ADMIN_UI_PASSWORD_HASH');
    expect(await noLoginByEnv!.exited).toBe(1);
    expect(noLoginByEnv!.err()).toContain('--admin-ui needs a login (there is no default)');
    expect(await plainPassword!.exited).toBe(1);
    expect(plainPassword!.err()).toMatch(/password must be given as a bcrypt hash/);
    expect(await stray!.exited).toBe(2);
    expect(stray!.err()).toContain('--admin-ui-mode needs --admin-ui');
    expect(await rootNamespace!.exited).toBe(1);
    expect(rootNamespace!.err()).toMatch(/namespace must be \/ followed by letters/);
    for (const cli of [noLogin, noLoginByEnv, plainPassword, stray, rootNamespace]) expect(cli!.out()).not.toMatch(/listening/);
  }, 60_000);
});
