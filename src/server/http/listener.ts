/**
 * The one HTTP listener builder of the servers (`socketkit-server`, the
 * mock server): an `http.Server` whose request handler is installed once
 * its parts exist, listening and closing written once, and the `/health`
 * route both answer.
 */
import { createServer, type RequestListener, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HealthResponse } from '../../protocol/index.js';
import type { SocketkitServer } from '../types.js';
import type { Route } from './routing.js';

/** Where to listen: `port` 0 picks a free port. */
export interface ListenOptions {
  port: number;
  host: string;
  backlog?: number;
}

/** An `http.Server` whose handler is set later (Socket.IO attaches to it first and routes `/socket.io/` itself). */
export interface HttpListener {
  readonly httpServer: HttpServer;
  /** Installs the handler of every request Socket.IO does not take. Until then requests wait unanswered. */
  serve(handler: RequestListener): void;
  /** Listens; rejects (`EADDRINUSE`, …) with nothing listening. Resolves the bound port and a URL a client on this machine can use. */
  listen(options: ListenOptions): Promise<{ port: number; url: string }>;
}

/** Creates an `HttpListener`: create it, attach socketkit to its `httpServer`, `serve()`, then `listen()`. */
export function createHttpListener(): HttpListener {
  let handler: RequestListener | null = null;
  const httpServer = createServer((req, res) => handler?.(req, res));
  return {
    httpServer,
    serve(next) {
      handler = next;
    },
    async listen({ port, host, backlog }) {
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen({ port, host, backlog }, () => {
          httpServer.off('error', reject);
          resolve();
        });
      });
      const bound = (httpServer.address() as AddressInfo).port;
      // A wildcard address is reached on loopback; an IPv6 literal goes in brackets.
      const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
      return { port: bound, url: `http://${urlHost}:${bound}` };
    },
  };
}

/**
 * Closes socketkit, which closes the Socket.IO server and with it the
 * `http.Server` once every socket is cut, and cuts the keep-alive
 * connections so that the close never waits on an idle client.
 */
export async function closeHttpListener(socketkit: SocketkitServer, httpServer: HttpServer): Promise<void> {
  const done = socketkit.close();
  httpServer.closeAllConnections();
  await done;
}

/**
 * `GET /health`: `{ ok, connections, uptimeS }` (docs/deploy.md), plus what
 * `extra` adds (the standalone server's `storeId`). `startedAt` is a
 * `performance.now()` reading: uptime is a duration, on the monotonic clock.
 */
export function healthRoute(socketkit: SocketkitServer, startedAt: number, extra: () => Record<string, unknown> = () => ({})): Route {
  return {
    method: 'GET',
    path: '/health',
    handle() {
      const body: HealthResponse = {
        ok: true,
        connections: socketkit.io.engine.clientsCount,
        uptimeS: Math.round((performance.now() - startedAt) / 1000),
      };
      return { status: 200, body: { ...body, ...extra() } };
    },
  };
}
