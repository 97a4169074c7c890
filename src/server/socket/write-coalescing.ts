import type { IncomingMessage } from 'node:http';
import type { Server } from 'socket.io';

/** The parts of an engine.io connection this module reads: a WebSocket transport, its TCP socket. */
interface EngineConnection {
  transport?: { name?: string; writable?: boolean; socket?: { _socket?: CorkableSocket } };
}

interface CorkableSocket {
  writableCorked: number;
  cork(): void;
  uncork(): void;
}

/**
 * Makes the packets one connection is sent in one synchronous run leave in
 * one write: the connection's TCP socket is corked when engine.io starts
 * flushing to it and uncorked on `process.nextTick`, so `writev` sends the
 * frames together. Without it every packet is its own WebSocket frame and
 * its own system call (≈ 40 µs each on the benchmark's VM): the Socket.IO
 * `CONNECT` and `connection:established` of a new socket, or the messages of
 * a burst, were two and more writes (docs/performance.md, "Presence storm").
 *
 * engine.io's WebSocket transport stops taking packets after each send
 * until the write completes (`writable` false, then `drain`), which would
 * hold the second packet of the run back to a write of its own. While the
 * TCP socket is corked nothing reaches the kernel anyway, so after each
 * flush of the run the transport is marked writable again: the run's later
 * packets join the same corked write. Backpressure is unchanged across runs
 * (the uncork hands everything to the kernel; the next run starts corked again).
 *
 * The WebSocket upgrade's `101 Switching Protocols` joins engine.io's `open`
 * packet in one write too: engine.io announces a new WebSocket session's
 * reply headers (`initial_headers`) right before `ws` writes them, after the
 * request passed every check, so the TCP socket is corked there and handed to
 * the session's first flush (engine.io makes it after an `await` in its
 * handshake). A socket that is never flushed is uncorked on `setImmediate`.
 * Refused upgrades and polling-to-WebSocket upgrades (no new session) are
 * never corked.
 *
 * Listeners on the engine for the whole server (`flush`, `drain`), no state
 * per connection. Long-polling connections are left as they are.
 */
export function coalesceWrites(io: Server): void {
  const corked = new Set<CorkableSocket>();
  /** Corked at the upgrade, waiting for engine.io's first flush. */
  const upgrading = new Set<CorkableSocket>();
  const uncorkAll = (): void => {
    for (const socket of corked) socket.uncork();
    corked.clear();
  };
  const tcpOf = (connection: EngineConnection): CorkableSocket | undefined =>
    connection.transport?.name === 'websocket' ? connection.transport.socket?._socket : undefined;
  io.engine.on('flush', (connection: EngineConnection) => {
    const tcp = tcpOf(connection);
    if (!tcp || corked.has(tcp)) return;
    // Corked since its upgrade: this run's uncork also sends the `101` reply.
    if (!upgrading.delete(tcp)) {
      if (tcp.writableCorked > 0) return;
      tcp.cork();
    }
    corked.add(tcp);
    if (corked.size === 1) process.nextTick(uncorkAll);
  });
  io.engine.on('initial_headers', (_headers: unknown, request: IncomingMessage) => {
    const socket: CorkableSocket = request.socket;
    if (request.headers.upgrade?.toLowerCase() !== 'websocket' || socket.writableCorked > 0) return;
    socket.cork();
    upgrading.add(socket);
    setImmediate(() => {
      if (upgrading.delete(socket)) socket.uncork();
    });
  });
  io.engine.on('drain', (connection: EngineConnection) => {
    const tcp = tcpOf(connection);
    if (tcp && corked.has(tcp) && connection.transport) connection.transport.writable = true;
  });
}
