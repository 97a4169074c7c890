import type { Server, ServerOptions } from 'socket.io';
import type { SocketkitLogger } from '../logger.js';
import type { PresenceBackend } from './presence.js';
import type { SocketkitStore } from '../store/store.js';

/**
 * What a cluster engine gives `createSocketkitServer` (option `cluster`):
 * the Socket.IO adapter that carries room broadcasts between nodes, and the
 * presence every node shares. `createRedisCluster()` from
 * `socketkit/server/redis` makes one; see docs/deploy.md.
 */
export interface SocketkitCluster {
  /** This node's id in the cluster (unique per live node). */
  readonly nodeId: string;
  /** Socket.IO adapter constructor, as `io.adapter(…)` takes it. */
  readonly adapter: ServerOptions['adapter'];
  /** Cluster-wide presence for this node's Socket.IO server. Called once. */
  createPresence(io: Server, options: { graceMs: number; logger: SocketkitLogger; store: SocketkitStore }): PresenceBackend;
  /** Whether the cluster's backing service answers (for `/ready`): resolves false after `timeoutMs` without an answer. */
  ping(timeoutMs: number): Promise<boolean>;
}
