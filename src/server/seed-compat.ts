/**
 * The seed design's server helpers, with its call shapes: `sendToUser(io, userId, …)`
 * and `broadcastToConversation(io, conversationId, event, data, excludeUserId)`,
 * and an `initializeChatSocket` result that still has the seed's `chatIO.to(…)`.
 * See docs/migrating.md.
 */
import type { Server } from 'socket.io';
import { conversationRoom, userRoom } from '../protocol/index.js';
import type { BroadcastOptions, SocketkitServer } from './types.js';

/** A Socket.IO server, or the socketkit server wrapping one (what the seed called `io` / `chatIO`). */
export type IoLike = Server | Pick<SocketkitServer, 'io'>;

/** Seed shape of the exclusion: a user id (every socket of that user), or socketkit's options. */
export type BroadcastExclusion = BroadcastOptions | string | number;

function toServer(target: IoLike): Server {
  return 'io' in target && target.io ? target.io : (target as Server);
}

/** Whether a helper's first argument is the seed's `io` (a Socket.IO server or a socketkit server) rather than an id. */
export function isIoArgument(value: unknown): value is IoLike {
  if (typeof value !== 'object' || value === null) return false;
  return typeof (value as { to?: unknown }).to === 'function' || typeof (value as { io?: unknown }).io === 'object';
}

/**
 * socketkit clients show only stored messages (with `seq`, from `postMessage`
 * or `message:send`): a `message:new` an app emits itself is never stored and
 * `client.conversation()` drops it. Refused here, loudly, with the call to use.
 */
function refuseOwnMessageNew(helper: string, event: string): void {
  if (event !== 'message:new') return;
  throw new Error(
    `[socketkit] ${helper}(…, 'message:new', …) is refused: socketkit clients show only stored messages (with seq), ` +
      `so this one would be dropped. Call socketkit.postMessage({ conversationId, senderId, content, clientMessageId }): ` +
      `it stores the message and broadcasts message:new to the conversation (docs/migrating.md).`,
  );
}

function checkedId(helper: string, name: string, value: unknown): string {
  if ((typeof value === 'string' && value.length > 0) || (typeof value === 'number' && Number.isFinite(value))) return String(value);
  throw new TypeError(
    `[socketkit] ${helper}: ${name} must be a string or number id, got ${value === null ? 'null' : typeof value}. ` +
      `Call socketkit.${helper}(${name}, event, data) or ${helper}(io, ${name}, event, data).`,
  );
}

/**
 * Emits to every socket of a user (room `user:<id>`).
 *
 * @returns how many sockets of this node it reached.
 * @throws TypeError when `userId` is not a string or a finite number; Error for `message:new`
 *   (use `postMessage`, which stores the message: clients drop one that is not stored).
 * @example
 * sendToUser(io, userId, 'notification:new', notification);
 */
export function sendToUser(io: IoLike, userId: string | number, event: string, data: unknown): number {
  refuseOwnMessageNew('sendToUser', event);
  const server = toServer(io);
  const room = userRoom(checkedId('sendToUser', 'userId', userId));
  const reached = server.sockets.adapter.rooms.get(room)?.size ?? 0;
  server.to(room).emit(event, data);
  return reached;
}

/**
 * Emits to a conversation's room, optionally except one socket (`exceptSocketId`)
 * and/or every socket of one user (`exceptUserId`, or a bare id as the seed's 5th argument).
 *
 * @throws TypeError when `conversationId` (or the excluded user id) is not a string or a finite number;
 *   Error for `message:new` (use `postMessage`, which stores the message: clients drop one that is not stored).
 * @example
 * broadcastToConversation(io, conversationId, 'message:new', message, senderId);
 */
export function broadcastToConversation(
  io: IoLike,
  conversationId: string | number,
  event: string,
  data: unknown,
  except?: BroadcastExclusion,
): void {
  refuseOwnMessageNew('broadcastToConversation', event);
  const room = conversationRoom(checkedId('broadcastToConversation', 'conversationId', conversationId));
  const options: BroadcastOptions = typeof except === 'object' && except !== null ? except : except === undefined ? {} : { exceptUserId: except };
  const excluded: string[] = [];
  if (options.exceptSocketId !== undefined) excluded.push(options.exceptSocketId);
  if (options.exceptUserId !== undefined) excluded.push(userRoom(checkedId('broadcastToConversation', 'exceptUserId', options.exceptUserId)));
  const operator = toServer(io).to(room);
  (excluded.length > 0 ? operator.except(excluded) : operator).emit(event, data);
}

/** What `initializeChatSocket` returns: the socketkit server plus the seed's `chatIO.to(room)` / `in` / `except` / `emit`. */
export type ChatSocketServer = SocketkitServer & Pick<Server, 'to' | 'in' | 'except' | 'emit'>;

/** Servers made by `initializeChatSocket` and not closed: what the seed's module functions read. */
const chatServers = new Set<SocketkitServer>();

function runningChatServers(helper: string): SocketkitServer[] {
  if (chatServers.size === 0) {
    throw new Error(
      `[socketkit] ${helper}: no server made by initializeChatSocket(httpServer) is running. ` +
        `Call initializeChatSocket first, or call ${helper} on the server you made (socketkit.${helper}).`,
    );
  }
  return [...chatServers];
}

/**
 * The seed's `getActiveUserIds()`: the ids of the users online on the
 * server(s) made by `initializeChatSocket` (with a cluster, every node's), as
 * strings, sorted. Same as the method `socketkit.getActiveUserIds()`.
 *
 * @throws Error when no server made by `initializeChatSocket` is running.
 * @example
 * const chatIO = initializeChatSocket(httpServer);
 * getActiveUserIds(); // ['6', '7']
 */
export function getActiveUserIds(): string[] {
  const ids = new Set<string>();
  for (const server of runningChatServers('getActiveUserIds')) for (const id of server.getActiveUserIds()) ids.add(id);
  return [...ids].sort();
}

/**
 * The seed's `isUserOnline(userId)`: whether the user is online on a server
 * made by `initializeChatSocket`. A number id is turned into its string.
 *
 * @throws TypeError when `userId` is not a string or a finite number;
 *   Error when no server made by `initializeChatSocket` is running.
 * @example
 * isUserOnline(6); // true while user "6" has a connected socket
 */
export function isUserOnline(userId: string | number): boolean {
  const id = checkedId('isUserOnline', 'userId', userId);
  return runningChatServers('isUserOnline').some((server) => server.isUserOnline(id));
}

/**
 * Adds the Socket.IO broadcast operators to a socketkit server, bound to its
 * `io`, and makes it what `getActiveUserIds()` / `isUserOnline()` read until it closes.
 */
export function withIoOperators(server: SocketkitServer): ChatSocketServer {
  const { io } = server;
  chatServers.add(server);
  const close = server.close.bind(server);
  server.close = async () => {
    chatServers.delete(server);
    await close();
  };
  return Object.assign(server, {
    to: io.to.bind(io),
    in: io.in.bind(io),
    except: io.except.bind(io),
    emit: io.emit.bind(io),
  });
}
