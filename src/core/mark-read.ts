import type { ConversationId } from '../protocol/index.js';
import { RealtimeError } from './errors.js';
import { readQueueOf } from './read-queue.js';
import type { ConversationListApi, RealtimeClient } from './types.js';

/**
 * The conversation list of each client that made one (`getConversationList`):
 * reads go through it, so it shows them at once. Apart from the list, so
 * that marking read (`useConversation` does) ships without the list. Internal.
 */
export const conversationLists = new WeakMap<RealtimeClient, ConversationListApi>();

/** `BAD_REQUEST` for a bad call of `caller`; `reason` (development builds only) says why. */
export const badRead = (reason: string | undefined, caller = 'markRead') =>
  new RealtimeError('BAD_REQUEST', reason === undefined ? undefined : `${caller}: ${reason}`);

// The reasons are written at each check, behind the production guard, so production bundles carry none.

/** @throws RealtimeError `BAD_REQUEST` unless `seq` is a non-negative integer. */
export function checkReadSeq(seq: number, caller?: string): void {
  if (!Number.isInteger(seq) || seq < 0) throw badRead(process.env.NODE_ENV !== 'production' ? 'seq must be a non-negative integer' : undefined, caller);
}

/** @throws RealtimeError `BAD_REQUEST` unless `conversationId` is a non-empty string. */
export function checkConversationId(conversationId: ConversationId, caller?: string): void {
  if (typeof conversationId !== 'string' || conversationId === '') {
    throw badRead(process.env.NODE_ENV !== 'production' ? 'conversationId must be a non-empty string' : undefined, caller);
  }
}

/**
 * Mark `conversationId` read up to `seq` on the server (`conversation:read`),
 * once, queued while offline; through the client's conversation list when
 * one was made (it shows the read at once), without making one otherwise.
 * `useConversation` calls it for what it shows.
 *
 * @example
 * markConversationRead(client, 'alice-bob', 42);
 * @throws RealtimeError `BAD_REQUEST` for an empty id or a `seq` that is not a non-negative integer.
 */
export function markConversationRead(client: RealtimeClient, conversationId: ConversationId, seq: number): void {
  const list = conversationLists.get(client);
  if (list) return list.markRead(conversationId, seq);
  checkConversationId(conversationId, 'markConversationRead');
  checkReadSeq(seq, 'markConversationRead');
  readQueueOf(client).add(conversationId, seq);
}
