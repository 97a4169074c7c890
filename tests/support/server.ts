/**
 * Starts the REAL bundled server in-process on an ephemeral port and hands
 * out stock socket.io-client sockets connected to it.
 *
 * @example
 * const server = await startServer();
 * const alice = await server.connect('alice');
 * // …
 * await server.cleanup();
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { createMockServer, type MockServer, type MockServerOptions, type MockTokenClaims } from 'socketkit/mock-server';
import { whenEstablished } from './wait.js';

/** The secret every test server signs with. */
export const TEST_SECRET = 'test-secret';

/** Options of `connect`: socket.io-client options, plus token claims or a ready token. */
export interface ConnectOptions extends Partial<ManagerOptions & SocketOptions> {
  /** Extra claims for the signed token (e.g. `name`). */
  claims?: Partial<MockTokenClaims>;
  /** Use this token instead of signing one (`null` sends no token at all). */
  token?: string | null;
  /** Token lifetime when signing one. */
  expiresInS?: number;
  /** Connect timeout. Default 3000 ms. */
  timeoutMs?: number;
}

/** A test server: the mock server plus helpers. */
export interface TestServer extends MockServer {
  /** Signs a token for `userId` with the test secret. */
  token(userId: string | number, claims?: Partial<MockTokenClaims>, expiresInS?: number): string;
  /** A connected socket for `userId`, resolved after `connection:established` (rejects on `connect_error`). Closed by `cleanup()`. */
  connect(userId: string | number, opts?: ConnectOptions): Promise<Socket>;
  /** A socket that is NOT connected yet (for tests of the handshake). Closed by `cleanup()`. */
  socket(opts?: Partial<ManagerOptions & SocketOptions>): Socket;
  /** Closes every client, then the server. */
  cleanup(): Promise<void>;
}

/** Starts a test server: port 0, test secret, quiet, no presence grace (unless given). */
export async function startServer(options: MockServerOptions = {}): Promise<TestServer> {
  const server = await createMockServer({
    port: 0,
    secret: TEST_SECRET,
    quiet: true,
    presenceGraceMs: 0,
    ...options,
  });
  const clients = new Set<Socket>();

  const token = (userId: string | number, claims: Partial<MockTokenClaims> = {}, expiresInS?: number) =>
    server.signToken({ userId, ...claims }, expiresInS === undefined ? {} : { expiresInS });

  const socket = (opts: Partial<ManagerOptions & SocketOptions> = {}): Socket => {
    const client = io(server.url, { forceNew: true, reconnection: false, transports: ['websocket'], ...opts });
    clients.add(client);
    return client;
  };

  const connect = (userId: string | number, opts: ConnectOptions = {}): Promise<Socket> => {
    const { claims, token: given, expiresInS, timeoutMs = 3000, ...ioOptions } = opts;
    const auth = given === null ? {} : { token: given ?? token(userId, claims, expiresInS) };
    return whenEstablished(socket({ auth, ...ioOptions }), timeoutMs, `connect(${userId})`);
  };

  const cleanup = async () => {
    for (const client of clients) client.disconnect();
    clients.clear();
    await server.close();
  };

  return Object.assign(server, { token, connect, socket, cleanup });
}
