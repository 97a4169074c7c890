import type { ConversationId, UserId } from '../protocol/index.js';
import type { ConversationStatus, RealtimeClient, RealtimeErrorCode, UserPresence } from './types.js';

/**
 * `inspectClient(client)`: what one client holds right now, its outbox, its
 * conversations with their seq cursors and its presence watches, for a
 * devtools panel or a test (docs/client.md, "Inspecting a client").
 *
 * Development builds only, as the trace: the parts hand over their readers
 * behind `process.env.NODE_ENV !== 'production'`, so a production bundle
 * carries none of them and `inspectClient` returns null there.
 */

/** One message of the outbox: this client's send the server has not stored yet. */
export interface OutboxItemInspection {
  clientMessageId: string;
  conversationId: ConversationId;
  content: string;
  /** `sending`: goes out (again) while connected; `failed`: given up, waits for `retry()` or `discard()`. */
  status: 'sending' | 'failed';
  /**
   * Attempts the server refused with a retryable code (`INTERNAL`, `TIMEOUT`,
   * `RATE_LIMITED`) since it was written or last retried; a disconnect does not
   * count. At `MAX_SEND_ATTEMPTS` the message is `failed`.
   */
  failedAttempts: number;
  /** Why it failed (status `failed`), else null. */
  errorCode: RealtimeErrorCode | null;
}

/** One conversation handle the client holds (joined, shown, or holding pending messages). */
export interface ConversationInspection {
  conversationId: ConversationId;
  status: ConversationStatus;
  /** `join()`s not released yet; the room is joined while this is above 0. */
  joins: number;
  /** Listeners of its store (components showing it). */
  subscribers: number;
  /** The seq cursor: every seq up to it is held, and the catch-up after a reconnect asks for what comes after it. 0: none yet. */
  contiguousSeq: number;
  /** The newest seq held (0: none). Above `contiguousSeq` while a gap is being fetched. */
  newestSeq: number;
  /** Confirmed messages held. */
  messages: number;
  /** This client's unconfirmed messages in it (in the outbox). */
  pending: number;
}

/** One watched user (`client.presence.watch`). */
export interface PresenceWatchInspection {
  userId: UserId;
  /** `watch()`es of this id not released yet (components, joined conversations' participants). */
  watchers: number;
  /** Subscribed on the server for the current connection (false while offline, or until the subscribe is sent). */
  subscribed: boolean;
  /** What the client knows of the user; null until the server answered. */
  presence: UserPresence | null;
}

/** What `inspectClient` returns: plain copies made at the call, never the client's own objects. */
export interface ClientInspection {
  /** The outbox, in send order. */
  outbox: readonly OutboxItemInspection[];
  /** The conversation handles the client holds. */
  conversations: readonly ConversationInspection[];
  /** The watched users. */
  presence: readonly PresenceWatchInspection[];
}

/** Each client's reader, made by the first registration (so a production bundle has no map); a dropped client's goes with it. */
let readers: WeakMap<RealtimeClient, () => ClientInspection> | undefined;

/** Internal: `createRealtimeClient` registers the reader of its parts (development builds only). */
export function registerInspection(client: RealtimeClient, read: () => ClientInspection): void {
  readers ??= new WeakMap();
  readers.set(client, read);
}

/**
 * What `client` holds right now: its outbox (status, failed attempts), its
 * conversations (joins, seq cursors) and its presence watches, as plain
 * copies made at the call. Read it again to see changes (a panel reads on its
 * own clock: nothing here notifies).
 *
 * Development builds only: returns null in a production build
 * (`process.env.NODE_ENV === 'production'`), where the client keeps nothing for it,
 * and for a client not made by `createRealtimeClient`.
 *
 * @example
 * const state = inspectClient(client);
 * for (const item of state?.outbox ?? []) console.log(item.clientMessageId, item.status, item.failedAttempts);
 */
export function inspectClient(client: RealtimeClient): ClientInspection | null {
  if (process.env.NODE_ENV === 'production') return null;
  return readers?.get(client)?.() ?? null;
}
