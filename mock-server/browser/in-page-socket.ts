import { PacketType, type Packet } from 'socket.io-parser';
import type { InPageIo } from './in-page-io.js';

type Listener = (...args: unknown[]) => void;
type Middleware = (packet: unknown[], next: (error?: Error) => void) => void;

/** What the in-page server knows of a client's handshake (the subset of socket.io's `Handshake` socketkit reads). */
export interface InPageHandshake {
  auth: Record<string, unknown>;
  address: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  time: string;
  issued: number;
}

/**
 * One client of the in-page server, shaped like the socket.io server's
 * `Socket` as far as socketkit's socket edge (`setupConnection`, the request
 * handlers, typing, presence) uses it: events in through `use()`
 * middlewares to `on()` listeners with an ack, `emit()` out, rooms, and
 * `disconnect()`. Only the main namespace exists.
 */
export class InPageSocket {
  readonly rooms = new Set<string>();
  readonly data: Record<string, unknown> = {};
  readonly recovered = false;
  readonly conn = { transport: { name: 'websocket' } };
  connected = true;
  private readonly listenersByEvent = new Map<string, Listener[]>();
  private readonly middlewares: Middleware[] = [];
  private readonly outgoing = new Set<Listener>();

  constructor(
    readonly id: string,
    readonly handshake: InPageHandshake,
    private readonly io: InPageIo,
    /** Writes one Socket.IO packet to this client (the Engine.IO session). */
    private readonly write: (packet: Packet) => void,
    /** Closes the client's transport (after a server-side disconnect). */
    private readonly closeTransport: () => void,
  ) {
    this.rooms.add(id);
  }

  on(event: string, listener: Listener): this {
    const list = this.listenersByEvent.get(event);
    if (list) list.push(listener);
    else this.listenersByEvent.set(event, [listener]);
    return this;
  }

  off(event: string, listener: Listener): this {
    const list = this.listenersByEvent.get(event);
    const index = list ? list.indexOf(listener) : -1;
    if (list && index >= 0) list.splice(index, 1);
    return this;
  }

  listeners(event: string): Listener[] {
    return [...(this.listenersByEvent.get(event) ?? [])];
  }

  use(middleware: Middleware): this {
    this.middlewares.push(middleware);
    return this;
  }

  onAnyOutgoing(listener: Listener): this {
    this.outgoing.add(listener);
    return this;
  }

  offAnyOutgoing(listener: Listener): this {
    this.outgoing.delete(listener);
    return this;
  }

  /** Sends `event` to this client (server → client; acks from the client are not supported). */
  emit(event: string, ...args: unknown[]): boolean {
    if (!this.connected) return false;
    for (const listener of [...this.outgoing]) listener(event, ...args);
    this.write({ type: PacketType.EVENT, nsp: '/', data: [event, ...args] });
    return true;
  }

  join(rooms: string | string[]): void {
    for (const room of typeof rooms === 'string' ? [rooms] : rooms) {
      this.rooms.add(room);
      this.io.addToRoom(room, this.id);
    }
  }

  leave(room: string): void {
    this.rooms.delete(room);
    this.io.removeFromRoom(room, this.id);
  }

  /** The other sockets in `room` (socket.io's `socket.to(room)`). */
  to(room: string | string[]) {
    return this.io.to(room).except(this.id);
  }

  /** Ends the session: with `close`, the transport too (as socket.io's `disconnect(true)`). */
  disconnect(close = false): this {
    if (!this.connected) return this;
    this.write({ type: PacketType.DISCONNECT, nsp: '/' });
    this.onClose('server namespace disconnect');
    if (close) this.closeTransport();
    return this;
  }

  /** A packet from the client: events run the middlewares, then the listeners; a DISCONNECT ends the session. */
  onPacket(packet: Packet): void {
    if (packet.type === PacketType.DISCONNECT) {
      this.onClose('client namespace disconnect');
      return;
    }
    if (packet.type !== PacketType.EVENT || !Array.isArray(packet.data)) return;
    const args: unknown[] = [...(packet.data as unknown[])];
    if (packet.id !== undefined) args.push(this.ackFor(packet.id));
    this.runMiddlewares(args, 0);
  }

  /** The transport went away (or the server ended the session): leave every room, tell the listeners once. */
  onClose(reason: string): void {
    if (!this.connected) return;
    this.connected = false;
    for (const room of [...this.rooms]) this.leave(room);
    this.io.forget(this.id);
    for (const listener of this.listeners('disconnect')) listener.call(this, reason);
  }

  private runMiddlewares(args: unknown[], index: number): void {
    const middleware = this.middlewares[index];
    if (!middleware) {
      this.dispatch(args);
      return;
    }
    middleware(args, (error) => {
      if (error) {
        for (const listener of this.listeners('error')) listener.call(this, error);
        return;
      }
      // A middleware may call next() after the socket left (latency): drop the event then.
      if (this.connected) this.runMiddlewares(args, index + 1);
    });
  }

  private dispatch(args: unknown[]): void {
    const [event, ...rest] = args;
    for (const listener of this.listeners(String(event))) listener.apply(this, rest);
  }

  private ackFor(id: number): (...args: unknown[]) => void {
    let sent = false;
    return (...data: unknown[]) => {
      if (sent || !this.connected) return;
      sent = true;
      this.write({ type: PacketType.ACK, nsp: '/', id, data });
    };
  }
}
