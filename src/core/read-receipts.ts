import type { ReadReceiptPayload } from '../protocol/index.js';
import { featureOf, type ClientInternals } from './client-internals.js';
import { createListeners, schedule } from './store.js';
import type { ReadReceiptsApi, ReadReceiptsSnapshot, RealtimeClient } from './types.js';

/** Most conversations whose receipts are kept; past it the one heard from longest ago is forgotten. */
export const MAX_RECEIPT_CONVERSATIONS = 500;

const EMPTY: ReadReceiptsSnapshot = new Map();

/** Everything the receipts store knows. Internal to this file. */
interface Runtime {
  snapshot: ReadReceiptsSnapshot;
  notify(): void;
}

/** Another participant read up to `seq` (monotonic: an older receipt changes nothing). */
function onReceipt(rt: Runtime, { conversationId, userId, seq }: ReadReceiptPayload): void {
  const before = rt.snapshot.get(conversationId);
  if ((before?.get(userId) ?? -1) >= seq) return;
  const readers = new Map(before);
  readers.set(userId, seq);
  const next = new Map(rt.snapshot);
  next.delete(conversationId); // re-inserted last: the map stays oldest first
  next.set(conversationId, readers);
  if (next.size > MAX_RECEIPT_CONVERSATIONS) next.delete(next.keys().next().value as string);
  rt.snapshot = next;
  schedule(rt.notify);
}

function createReadReceipts({ context }: ClientInternals): ReadReceiptsApi {
  const listeners = createListeners();
  const rt: Runtime = { snapshot: EMPTY, notify: listeners.notify };
  context.on('receipt:read', (receipt) => onReceipt(rt, receipt));
  return {
    getSnapshot: () => rt.snapshot,
    getServerSnapshot: () => EMPTY,
    subscribe: listeners.subscribe,
  };
}

const receipts = new WeakMap<RealtimeClient, ReadReceiptsApi>();

/**
 * Read receipts heard on `client` (`receipt:read`): per conversation, the
 * highest seq each other participant read. The server sends them to the
 * sockets joined to the conversation, so a conversation's receipts are
 * heard while it is joined, from the first call on (protocol 1.2 has no
 * request for the other participants' cursors: they start empty). Made on
 * first use, one per client: an app that never calls it ships none of it
 * (`useReadReceipts` calls it).
 *
 * @example
 * const receipts = getReadReceipts(client);
 * receipts.subscribe(() => renderSeenBy(receipts.getSnapshot().get('alice-bob')));
 * @throws TypeError when `client` was not made by `createRealtimeClient`.
 */
export const getReadReceipts = (client: RealtimeClient): ReadReceiptsApi => featureOf(receipts, client, createReadReceipts);
