import type { InPageSocket } from './in-page-socket.js';

type Middleware = (socket: InPageSocket, next: (error?: Error) => void) => void;
type ConnectionListener = (socket: InPageSocket) => void;

/** Sockets picked by rooms, as socket.io's `BroadcastOperator` (`io.to(…).except(…)`). */
export class InPageBroadcast {
  constructor(
    private readonly io: InPageIo,
    private readonly include: readonly string[],
    private readonly exclude: readonly string[],
  ) {}

  to(rooms: string | readonly string[]): InPageBroadcast {
    return new InPageBroadcast(this.io, [...this.include, ...toList(rooms)], this.exclude);
  }

  in(rooms: string | readonly string[]): InPageBroadcast {
    return this.to(rooms);
  }

  except(rooms: string | readonly string[]): InPageBroadcast {
    return new InPageBroadcast(this.io, this.include, [...this.exclude, ...toList(rooms)]);
  }

  emit(event: string, ...args: unknown[]): boolean {
    for (const socket of this.sockets()) socket.emit(event, ...args);
    return true;
  }

  disconnectSockets(close = false): void {
    for (const socket of this.sockets()) socket.disconnect(close);
  }

  /** The picked sockets: in any `include` room (every socket without one), in no `exclude` room. */
  sockets(): InPageSocket[] {
    const { rooms, sockets } = this.io.sockets.adapter.owner;
    const ids = new Set<string>();
    if (this.include.length === 0) for (const id of sockets.keys()) ids.add(id);
    for (const room of this.include) for (const id of rooms.get(room) ?? []) ids.add(id);
    for (const room of this.exclude) for (const id of rooms.get(room) ?? []) ids.delete(id);
    const picked: InPageSocket[] = [];
    for (const id of ids) {
      const socket = sockets.get(id);
      if (socket) picked.push(socket);
    }
    return picked;
  }
}

const toList = (rooms: string | readonly string[]): readonly string[] => (typeof rooms === 'string' ? [rooms] : rooms);

/**
 * The in-page server's Socket.IO side, shaped like socket.io's `Server` as
 * far as socketkit's socket edge and presence use it: connection
 * middlewares (`use`), `on('connection')`, rooms (`io.sockets.adapter.rooms`,
 * a room → socket ids map, as socket.io's in-memory adapter), sockets by id,
 * and broadcasts through `to()` / `except()`. One namespace (`/`).
 */
export class InPageIo {
  private readonly rooms = new Map<string, Set<string>>();
  private readonly socketsById = new Map<string, InPageSocket>();
  private readonly middlewares: Middleware[] = [];
  private readonly connectionListeners: ConnectionListener[] = [];
  /** socket.io's `io.sockets` (the main namespace): its sockets and its adapter's rooms. */
  readonly sockets = {
    sockets: this.socketsById as ReadonlyMap<string, InPageSocket>,
    adapter: { rooms: this.rooms as ReadonlyMap<string, ReadonlySet<string>>, owner: { rooms: this.rooms, sockets: this.socketsById } },
  };

  use(middleware: Middleware): this {
    this.middlewares.push(middleware);
    return this;
  }

  on(event: 'connection', listener: ConnectionListener): this {
    if (event === 'connection') this.connectionListeners.push(listener);
    return this;
  }

  to(rooms: string | readonly string[]): InPageBroadcast {
    return new InPageBroadcast(this, toList(rooms), []);
  }

  in(rooms: string | readonly string[]): InPageBroadcast {
    return this.to(rooms);
  }

  except(rooms: string | readonly string[]): InPageBroadcast {
    return new InPageBroadcast(this, [], toList(rooms));
  }

  emit(event: string, ...args: unknown[]): boolean {
    return new InPageBroadcast(this, [], []).emit(event, ...args);
  }

  disconnectSockets(close = false): void {
    new InPageBroadcast(this, [], []).disconnectSockets(close);
  }

  /**
   * Runs the connection middlewares for a socket whose CONNECT packet
   * arrived; `done` gets the first middleware error, or none once the
   * socket is connected and the `connection` listeners ran.
   */
  admit(socket: InPageSocket, done: (error?: Error) => void): void {
    const run = (index: number) => {
      const middleware = this.middlewares[index];
      if (!middleware) {
        this.socketsById.set(socket.id, socket);
        this.addToRoom(socket.id, socket.id);
        done();
        for (const listener of this.connectionListeners) listener(socket);
        return;
      }
      middleware(socket, (error) => (error ? done(error) : run(index + 1)));
    };
    run(0);
  }

  /** @internal Called by `InPageSocket.join`. */
  addToRoom(room: string, socketId: string): void {
    let members = this.rooms.get(room);
    if (!members) this.rooms.set(room, (members = new Set()));
    members.add(socketId);
  }

  /** @internal Called by `InPageSocket.leave`; an empty room is dropped, as socket.io's adapter does. */
  removeFromRoom(room: string, socketId: string): void {
    const members = this.rooms.get(room);
    if (!members) return;
    members.delete(socketId);
    if (members.size === 0) this.rooms.delete(room);
  }

  /** @internal Called when a socket disconnected. */
  forget(socketId: string): void {
    this.socketsById.delete(socketId);
  }
}
