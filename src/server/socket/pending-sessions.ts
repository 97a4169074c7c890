import type { IncomingMessage } from 'node:http';
import type { Server } from 'socket.io';

/** Defaults of the transport bounds (docs/security.md, "Limits"). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_PENDING_SESSIONS = 5_000;
export const DEFAULT_MAX_PENDING_SESSIONS_PER_ADDRESS = 256;

interface RawSession {
  remoteAddress: string;
  once(event: 'close', listener: () => void): void;
}

/**
 * Counts engine.io sessions that have not (yet) connected a Socket.IO socket:
 * nobody has shown a token on them. `allowRequest` refuses a new session
 * while `max` are pending, or `maxPerAddress` from its address (issue 24 #7:
 * one client held 20,000 such sessions, +133 MB, each ≈ 45 s; the per-address
 * bound keeps one client from filling the global one). Socket.IO's
 * `connectTimeout` closes each pending session after its window. A refused
 * client retries with its backoff.
 */
export class PendingSessions {
  private readonly pending = new Set<RawSession>();
  private readonly byAddress = new Map<string, number>();

  constructor(
    readonly max: number,
    readonly maxPerAddress: number,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  /** engine.io's `allowRequest`, called for each new session's handshake request. */
  readonly allowRequest = (req: IncomingMessage, callback: (error: string | null | undefined, success: boolean) => void): void => {
    const address = req.socket.remoteAddress ?? '';
    if (this.pending.size >= this.max || (this.byAddress.get(address) ?? 0) >= this.maxPerAddress) {
      callback('Too many pending sessions', false);
      return;
    }
    callback(null, true);
  };

  /** Follows the sessions of `io`'s engine (call once, after the Server is attached). */
  track(io: Server): void {
    io.engine.on('connection', (raw: RawSession) => {
      this.pending.add(raw);
      this.byAddress.set(raw.remoteAddress, (this.byAddress.get(raw.remoteAddress) ?? 0) + 1);
      raw.once('close', () => this.connected(raw));
    });
    // A socket admitted on a namespace of its own (the admin UI's `/admin`) passed that namespace's
    // middleware: its session is no longer waiting for a token. socketkit's namespace reports its own.
    io.on('new_namespace', (namespace) => {
      namespace.on('connection', (socket) => this.connected(socket.conn));
    });
  }

  /** A Socket.IO socket connected on this session (or it closed): it is no longer pending. */
  connected(raw: object): void {
    const session = raw as RawSession;
    if (!this.pending.delete(session)) return;
    const count = (this.byAddress.get(session.remoteAddress) ?? 1) - 1;
    if (count > 0) this.byAddress.set(session.remoteAddress, count);
    else this.byAddress.delete(session.remoteAddress);
  }
}
