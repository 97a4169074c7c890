import type { Server } from 'socket.io';

/** The parts of an engine.io connection this module reads: a WebSocket transport's TCP socket. */
interface EngineConnection {
  transport?: { socket?: { _socket?: CorkableSocket } };
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
 * One listener on the engine for the whole server (its `flush` event), no
 * state per connection. Long-polling connections are left as they are.
 */
export function coalesceWrites(io: Server): void {
  const corked: CorkableSocket[] = [];
  const uncorkAll = (): void => {
    for (const socket of corked) socket.uncork();
    corked.length = 0;
  };
  io.engine.on('flush', (connection: EngineConnection) => {
    const tcp = connection.transport?.socket?._socket;
    if (!tcp || tcp.writableCorked > 0) return;
    tcp.cork();
    if (corked.push(tcp) === 1) process.nextTick(uncorkAll);
  });
}
