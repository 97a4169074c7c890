import { Buffer } from 'node:buffer';
import type { Server, Socket } from 'socket.io';
import type { SocketkitLogger } from './logger.js';

/**
 * Default bound of one socket's outbound buffer (bytes): 1 MiB. Of the order
 * realtime servers use for the same purpose (Centrifugo's client queue limit
 * defaults to 1 MiB, `client.queue_max_size`).
 */
export const DEFAULT_MAX_OUTBOUND_BUFFER_BYTES = 1024 * 1024;

/** The disconnect reason logged for a socket over its bound. */
export const SLOW_CONSUMER_REASON = 'outbound buffer over limit (slow consumer)';

interface EnginePacket {
  data?: unknown;
}

/** The engine.io connection under a Socket.IO socket, as far as this module reads it. */
interface EngineConnection {
  on(event: 'packetCreate', listener: (packet: EnginePacket) => void): void;
  on(event: 'drain', listener: () => void): void;
  transport?: { name?: string; socket?: { bufferedAmount?: number; terminate?: () => void } };
}

const sizeOf = (data: unknown): number => {
  if (typeof data === 'string') return Buffer.byteLength(data);
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
};

/**
 * Bounds every socket's outbound buffer: bytes queued for a client that does
 * not read them (a frozen tab, a stalled mobile link) would otherwise grow the
 * server's memory without bound. Counted from the moment Socket.IO creates a
 * packet until the transport drained it to the operating system (plus what
 * the WebSocket still buffers). A socket over `maxBytes` is disconnected and
 * its transport closed at once, which frees the buffer; the client sees the
 * connection close, reconnects with backoff and catches up by `seq`, so
 * nothing is lost. `maxBytes <= 0` or `Infinity` turns the bound off.
 */
export function boundOutboundBuffers(io: Server, maxBytes: number, logger: SocketkitLogger): void {
  if (!(maxBytes > 0) || maxBytes === Infinity) return;
  io.on('connection', (socket) => watchSocket(socket, maxBytes, logger));
}

function watchSocket(socket: Socket, maxBytes: number, logger: SocketkitLogger): void {
  const engine: EngineConnection = socket.conn;
  let queuedBytes = 0; // created, not yet handed to the operating system
  engine.on('drain', () => {
    queuedBytes = 0;
  });
  engine.on('packetCreate', (packet) => {
    queuedBytes += sizeOf(packet.data);
    const transportBytes = engine.transport?.socket?.bufferedAmount ?? 0;
    if (queuedBytes + transportBytes <= maxBytes || !socket.connected) return;
    logger.warn(`disconnect ${socket.id} (user ${String(socket.data.userId)}): ${SLOW_CONSUMER_REASON}, ${queuedBytes + transportBytes} bytes`);
    // Later in this tick: we are inside the engine's send path.
    queueMicrotask(() => {
      socket.disconnect(true);
      engine.transport?.socket?.terminate?.();
    });
  });
}
