import type { Server } from 'socket.io';
import type { ConversationId, UserId } from '../protocol/index.js';
import type { JwtOptions } from './auth.js';
import type { SocketkitLogger } from './logger.js';
import type { RateLimitOptions } from './rate-limit.js';
import type { SocketkitStore } from './store.js';

/** Options of `createSocketkitServer`. Every field has a default. */
export interface SocketkitServerOptions {
  /** JWT secret, or a function read once at start. Default `resolveJwtSecret()` (env `JWT_SECRET`). */
  secret?: string | (() => string);
  /** Algorithms (default HS256, `none` never), issuer, audience, handshake clock tolerance (default 5 s). */
  jwt?: JwtOptions;
  /** Storage. Default: an empty `createMemoryStore()`. */
  store?: SocketkitStore;
  /** How long a user whose last socket left still counts as online (absorbs reloads). Default 2000 ms. */
  presenceGraceMs?: number;
  /** Per-socket token bucket. Default `{ burst: 30, perSecond: 10 }`; `false` turns it off. */
  rateLimit?: RateLimitOptions | false;
  /** Typing expiry. Default 5000 ms (`LIMITS.typingTimeoutMs`). */
  typingTimeoutMs?: number;
  /** Operator log lines. Default `console`; `quiet: true` silences them. */
  logger?: SocketkitLogger;
  quiet?: boolean;
  /**
   * Only when socketkit creates the Socket.IO server (target is an `http.Server`):
   * allowed CORS origins. Default env `CLIENT_URL` (comma separated), else the
   * Vite (5173) and Storybook (6006) dev origins.
   */
  clientUrl?: string | string[];
  /** Socket.IO heartbeat. Defaults 25000 / 60000 (only when socketkit creates the server). */
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  /**
   * Socket.IO connection state recovery. Default off: a recovered socket
   * skips middlewares, so socketkit re-verifies its token on connection, but
   * the protocol's own catch-up (`conversation:history` with `afterSeq`)
   * already covers missed messages without it.
   */
  connectionStateRecovery?: boolean;
  /** Socket.IO path. Default `/socket.io`. */
  path?: string;
  /**
   * Bound of each socket's outbound buffer, bytes (default 1 MiB,
   * `DEFAULT_MAX_OUTBOUND_BUFFER_BYTES`): a client that stops reading is
   * disconnected past it instead of growing the server's memory; it
   * reconnects and catches up by `seq`. `Infinity` turns it off.
   */
  maxOutboundBufferBytes?: number;
}

/** Options of `broadcastToConversation`. */
export interface BroadcastOptions {
  /** A socket that should not receive it (usually the sender). */
  exceptSocketId?: string;
}

/** A running socketkit server: the Socket.IO server plus the helpers the app needs. */
export interface SocketkitServer {
  io: Server;
  store: SocketkitStore;
  /** Users with at least one socket (or inside the grace period). */
  getActiveUserIds(): UserId[];
  isUserOnline(userId: UserId | number): boolean;
  /** Emits to every socket of a user (room `user:<id>`), e.g. `notification:new`. Returns how many sockets it reached. */
  sendToUser(userId: UserId | number, event: string, data: unknown): number;
  /** Emits to the conversation's room. */
  broadcastToConversation(
    conversationId: ConversationId,
    event: string,
    data: unknown,
    options?: BroadcastOptions,
  ): void;
  /** Stops timers and disconnects sockets; closes Socket.IO (and its http server) when socketkit created it. */
  close(): Promise<void>;
}
