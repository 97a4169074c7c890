/**
 * One WebSocket client of the in-page server: Engine.IO v4 (open packet,
 * heartbeats) and Socket.IO v5 (connect, events, acks, disconnect) framed
 * with the official parsers, over the connection MSW intercepted.
 */
import { decodePacket, encodePacket, type Packet as EnginePacket } from 'engine.io-parser';
import { Decoder, Encoder, PacketType, type Packet } from 'socket.io-parser';
import type { InPageIo } from './in-page-io.js';
import { InPageSocket, type InPageHandshake } from './in-page-socket.js';

/** The part of MSW's `WebSocketClientConnection` a session uses. */
export interface WebSocketClientLike {
  readonly url: URL;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  addEventListener(type: 'close', listener: () => void): void;
}

/** Engine.IO heartbeat and size settings (the handshake's `open` packet tells the client). */
export interface EngineOptions {
  /** Server → client ping every this many ms (socket.io default 25,000). */
  pingIntervalMs: number;
  /** A client that has not answered a ping within this many ms is dropped ("ping timeout"). */
  pingTimeoutMs: number;
  /** Largest packet the client may send, bytes (the server's `maxHttpBufferSize`). */
  maxPayload: number;
}

const randomId = (): string => globalThis.crypto.randomUUID().replace(/-/g, '').slice(0, 20);

/** Serves one intercepted WebSocket until either side closes it. */
export class EngineSession {
  readonly id = randomId();
  private readonly encoder = new Encoder();
  private readonly decoder = new Decoder();
  private socket: InPageSocket | null = null;
  private pingTimer: ReturnType<typeof setTimeout> | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(
    private readonly client: WebSocketClientLike,
    private readonly io: InPageIo,
    private readonly options: EngineOptions,
    /** Called once the session ended, whoever closed it. */
    private readonly onEnd: (session: EngineSession) => void,
    /** Called for each pong (a heartbeat the client answered). */
    private readonly onPong: () => void = () => {},
  ) {
    this.decoder.on('decoded', (packet: Packet) => this.onSocketIoPacket(packet));
    client.addEventListener('message', (event) => this.onEngineData(event.data));
    client.addEventListener('close', () => this.end('transport close'));
    const { pingIntervalMs, pingTimeoutMs, maxPayload } = options;
    this.sendEngine({ type: 'open', data: JSON.stringify({ sid: this.id, upgrades: [], pingInterval: pingIntervalMs, pingTimeout: pingTimeoutMs, maxPayload }) });
    this.schedulePing();
  }

  /** Drops the transport (what a network cut looks like to the client: "transport close"). */
  close(): void {
    if (this.closed) return;
    this.client.close(1000, 'closed by the in-page server');
    this.end('server shutting down');
  }

  private onEngineData(data: unknown): void {
    if (typeof data !== 'string') return; // socketkit's protocol is JSON; binary frames are not expected.
    if (data.length > this.options.maxPayload) {
      this.close();
      return;
    }
    const packet = decodePacket(data);
    switch (packet.type) {
      case 'pong':
        if (this.pongTimer) clearTimeout(this.pongTimer);
        this.pongTimer = null;
        this.onPong();
        this.schedulePing();
        return;
      case 'message':
        this.decodeSocketIo(packet.data);
        return;
      case 'close':
        this.client.close();
        this.end('transport close');
        return;
      default:
        return; // ping from a v3 client, upgrade, noop: nothing to answer over a v4 WebSocket.
    }
  }

  private decodeSocketIo(data: unknown): void {
    try {
      this.decoder.add(data);
    } catch {
      // socket.io answers a malformed packet by closing the connection ("parse error").
      this.client.close(1002, 'parse error');
      this.end('parse error');
    }
  }

  private onSocketIoPacket(packet: Packet): void {
    if (packet.type === PacketType.CONNECT) {
      this.connect(packet);
      return;
    }
    this.socket?.onPacket(packet);
  }

  private connect(packet: Packet): void {
    if (packet.nsp !== '/') {
      this.writeSocketIo({ type: PacketType.CONNECT_ERROR, nsp: packet.nsp, data: { message: 'Invalid namespace' } });
      return;
    }
    if (this.socket?.connected) return;
    const socket = new InPageSocket(
      randomId(),
      this.handshake(packet.data),
      this.io,
      (out) => this.writeSocketIo(out),
      () => this.close(),
    );
    this.io.admit(socket, (error) => {
      if (error) {
        const data = (error as Error & { data?: unknown }).data;
        this.writeSocketIo({ type: PacketType.CONNECT_ERROR, nsp: '/', data: data === undefined ? { message: error.message } : { message: error.message, data } });
        return;
      }
      this.socket = socket;
      this.writeSocketIo({ type: PacketType.CONNECT, nsp: '/', data: { sid: socket.id } });
    });
  }

  private handshake(auth: unknown): InPageHandshake {
    const query: Record<string, string> = {};
    this.client.url.searchParams.forEach((value, key) => {
      query[key] = value;
    });
    return {
      auth: typeof auth === 'object' && auth !== null ? (auth as Record<string, unknown>) : {},
      address: 'in-page',
      headers: {},
      query,
      time: new Date().toString(),
      issued: Date.now(),
    };
  }

  private writeSocketIo(packet: Packet): void {
    for (const encoded of this.encoder.encode(packet) as unknown[]) {
      if (typeof encoded === 'string') this.sendEngine({ type: 'message', data: encoded });
    }
  }

  private sendEngine(packet: EnginePacket): void {
    if (this.closed) return;
    encodePacket(packet, false, (encoded) => {
      if (typeof encoded === 'string' && !this.closed) this.client.send(encoded);
    });
  }

  /** The server pings (Engine.IO v4); a pong must come back within `pingTimeoutMs`. */
  private schedulePing(): void {
    if (this.pingTimer) clearTimeout(this.pingTimer);
    this.pingTimer = setTimeout(() => {
      this.sendEngine({ type: 'ping' });
      this.pongTimer = setTimeout(() => {
        this.client.close(1000, 'ping timeout');
        this.end('ping timeout');
      }, this.options.pingTimeoutMs);
    }, this.options.pingIntervalMs);
  }

  private end(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    if (this.pingTimer) clearTimeout(this.pingTimer);
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.decoder.destroy();
    this.socket?.onClose(reason);
    this.onEnd(this);
  }
}
