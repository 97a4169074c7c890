import { Buffer } from 'node:buffer';
import type { Server, Socket } from 'socket.io';
import type { SocketkitLogger } from '../logger.js';

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
  on(event: 'packetCreate', listener: (this: EngineConnection, packet: EnginePacket) => void): void;
  on(event: 'drain', listener: (this: EngineConnection) => void): void;
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

/** What is counted for one engine connection. */
interface Watched {
  socket: Socket;
  maxBytes: number;
  logger: SocketkitLogger;
  /** Created, not yet handed to the operating system. */
  queuedBytes: number;
}

/** The listeners are shared by every connection (no closures per socket); `this` is the engine connection. */
const watched = new WeakMap<EngineConnection, Watched>();

function onDrain(this: EngineConnection): void {
  const entry = watched.get(this);
  if (entry) entry.queuedBytes = 0;
}

function onPacketCreate(this: EngineConnection, packet: EnginePacket): void {
  const entry = watched.get(this);
  if (!entry) return;
  entry.queuedBytes += sizeOf(packet.data);
  const { socket, maxBytes, logger, queuedBytes } = entry;
  const transportBytes = this.transport?.socket?.bufferedAmount ?? 0;
  if (queuedBytes + transportBytes <= maxBytes || !socket.connected) return;
  logger.warn({ userId: socket.data.userId as string | undefined, socketId: socket.id, reason: SLOW_CONSUMER_REASON, bytes: queuedBytes + transportBytes }, 'disconnect');
  cutLater(socket, this);
}

/** Later in this tick (we are inside the engine's send path): disconnects the socket and closes its transport. */
function cutLater(socket: Socket, engine: EngineConnection): void {
  queueMicrotask(() => {
    socket.disconnect(true);
    engine.transport?.socket?.terminate?.();
  });
}

function watchSocket(socket: Socket, maxBytes: number, logger: SocketkitLogger): void {
  const engine: EngineConnection = socket.conn;
  watched.set(engine, { socket, maxBytes, logger, queuedBytes: 0 });
  engine.on('drain', onDrain);
  engine.on('packetCreate', onPacketCreate);
}
