import type {
  ConversationId,
  ConversationListResult,
  ConversationReadStatePayload,
  ConversationSummary,
  Message,
} from '../protocol/index.js';
import { featureOf, type ClientInternals } from './client-internals.js';
import type { Context, Outbox } from './context.js';
import { isUnknownEvent, type RealtimeError } from './errors.js';
import { INITIAL_PAGE_STATE, createPageLoader, type PageLoader } from './page-loader.js';
import { badRead, checkConversationId, checkReadSeq, conversationLists } from './mark-read.js';
import { readQueueOf, type ReadQueue } from './read-queue.js';
import { batch, createStore, type Store } from './store.js';
import type { ConversationListApi, ConversationListSnapshot, RealtimeClient } from './types.js';

/** The snapshot before the first answer; also what the server renders. */
export const INITIAL_CONVERSATION_LIST: ConversationListSnapshot = Object.freeze({
  conversations: Object.freeze([]) as readonly ConversationSummary[],
  unreadCount: 0,
  ...INITIAL_PAGE_STATE,
});

/** Everything the conversation list knows. Internal to this file. */
interface Runtime {
  ctx: Context;
  store: Store<ConversationListSnapshot>;
  loader: PageLoader;
  reads: ReadQueue;
}

const sumUnread = (list: readonly ConversationSummary[]) => list.reduce((sum, item) => sum + item.unreadCount, 0);

function setList(rt: Runtime, conversations: readonly ConversationSummary[]): void {
  if (conversations !== rt.store.getSnapshot().conversations) rt.store.set({ conversations, unreadCount: sumUnread(conversations) });
}

/** A read cursor the server has not confirmed yet shows at once (optimistic). */
function withWaitingRead(rt: Runtime, item: ConversationSummary): ConversationSummary {
  const waiting = rt.reads.waiting(item.id);
  if (waiting === undefined) return item;
  return readUpTo(item, waiting);
}

/** `item` read up to `seq` as far as the client can tell: all read when `seq` reaches `lastSeq`. */
function readUpTo(item: ConversationSummary, seq: number): ConversationSummary {
  const lastReadSeq = Math.min(seq, item.lastSeq);
  if (lastReadSeq <= item.lastReadSeq) return item;
  return { ...item, lastReadSeq, unreadCount: lastReadSeq >= item.lastSeq ? 0 : item.unreadCount };
}

/**
 * A page the server computed before it applied a read it has since answered
 * (requests on one socket may overlap) shows an older cursor: cursors never
 * move back, so the newer one held for the same last message stays.
 */
function keepNewerRead(held: ConversationSummary | undefined, fresh: ConversationSummary): ConversationSummary {
  if (!held || held.lastSeq !== fresh.lastSeq || held.lastReadSeq <= fresh.lastReadSeq) return fresh;
  return { ...fresh, lastReadSeq: held.lastReadSeq, unreadCount: held.unreadCount };
}

/** A page arrived: the first replaces the list, a later one appends what the list lacks. */
function received(rt: Runtime, page: ConversationListResult, first: boolean): void {
  const list = rt.store.getSnapshot().conversations;
  const held = new Map(list.map((item) => [item.id, item]));
  const fresh = page.conversations.map((item) => withWaitingRead(rt, keepNewerRead(held.get(item.id), item)));
  if (first) return setList(rt, fresh);
  setList(rt, [...list, ...fresh.filter((item) => !held.has(item.id))]);
}

/**
 * A newer message of a listed conversation (`message:new`, `conversation:updated`,
 * our own send's ack): it becomes the last message and the conversation moves
 * to the top. Unread unless this user sent it (what I wrote, I have read).
 */
function applyMessage(rt: Runtime, message: Message): void {
  if (!rt.loader.loaded) return;
  const list = rt.store.getSnapshot().conversations;
  const item = list.find((candidate) => candidate.id === message.conversationId);
  // A conversation the list does not hold yet (new, or on a later page): the first page shows it.
  if (!item) return void rt.loader.refresh();
  if (message.seq <= item.lastSeq) return;
  const mine = message.senderId === rt.ctx.userId();
  const next: ConversationSummary = {
    ...item,
    lastMessage: message,
    lastSeq: message.seq,
    lastActivityAt: message.createdAt,
    lastReadSeq: mine ? message.seq : item.lastReadSeq,
    unreadCount: mine ? 0 : item.unreadCount + (message.seq > item.lastReadSeq ? 1 : 0),
  };
  setList(rt, [withWaitingRead(rt, next), ...list.filter((other) => other !== item)]);
}

/** The server's read state of one conversation (event or ack); never moves the cursor back. */
function applyReadState(rt: Runtime, state: ConversationReadStatePayload): void {
  const list = rt.store.getSnapshot().conversations;
  const index = list.findIndex((item) => item.id === state.conversationId);
  const item = list[index];
  if (!item || state.lastReadSeq < item.lastReadSeq) return;
  if (state.lastReadSeq === item.lastReadSeq && state.unreadCount === item.unreadCount) return;
  const next = withWaitingRead(rt, { ...item, lastReadSeq: state.lastReadSeq, unreadCount: state.unreadCount });
  setList(rt, list.map((other, i) => (i === index ? next : other)));
}

/** Optimistic: shown read at once, then sent (or queued until connected). */
function markRead(rt: Runtime, conversationId: ConversationId, seq?: number): void {
  checkConversationId(conversationId);
  const list = rt.store.getSnapshot().conversations;
  const item = list.find((candidate) => candidate.id === conversationId);
  const target = seq ?? item?.lastSeq;
  if (target === undefined) throw badRead(process.env.NODE_ENV !== 'production' ? 'no seq given and the conversation is not in the list' : undefined);
  checkReadSeq(target);
  // Already read that far, as the server confirmed, or a server that keeps no read state: nothing to send.
  if (rt.store.getSnapshot().unsupported || rt.reads.unsupported) return;
  if (item && target <= item.lastReadSeq && rt.reads.waiting(conversationId) === undefined) return;
  rt.reads.add(conversationId, target);
  if (item) setList(rt, list.map((other) => (other === item ? readUpTo(item, target) : other)));
}

/** The read queue reported the refusal; a server before protocol 1.2 keeps no read state. */
function refused(rt: Runtime, error: RealtimeError): void {
  if (isUnknownEvent(error)) return rt.store.set({ unsupported: true });
  // The optimistic state may be wrong: the server's list says what is true.
  void rt.loader.refresh();
}

function listen(rt: Runtime, outbox: Outbox): void {
  rt.reads.listen({ answered: (result) => applyReadState(rt, result), refused: (_conversationId, error) => refused(rt, error) });
  rt.ctx.on('message:new', (message) => applyMessage(rt, message));
  rt.ctx.on('conversation:updated', ({ lastMessage }) => applyMessage(rt, lastMessage));
  rt.ctx.on('conversation:read-state', (state) => applyReadState(rt, state));
  // The sending socket hears no `message:new` of its own message: its ack is how the list learns it.
  outbox.onConfirmed((message) => applyMessage(rt, message));
}

/** The list of one client, kept live from its creation on. */
function createConversationList({ context: ctx, outbox, onLink }: ClientInternals, client: RealtimeClient): ConversationListApi {
  const store = createStore<ConversationListSnapshot>(INITIAL_CONVERSATION_LIST);
  // The loader calls back into `rt` only later (pages), when it is complete.
  const rt: Runtime = {
    ctx,
    store,
    reads: readQueueOf(client),
    loader: createPageLoader(ctx, store, {
      fetch: (cursor, limit) => ctx.request('conversation:list', { cursor, limit }),
      received: (page, first) => received(rt, page, first),
    }),
  };
  listen(rt, outbox);
  onLink('up', () => {
    // Waiting read cursors go before the catch-up fetch, so the fresh list already counts them.
    rt.reads.flush();
    rt.loader.linkUp();
  });
  onLink('down', () => rt.loader.linkDown());
  onLink('destroy', () => rt.loader.destroy());
  return {
    getSnapshot: store.getSnapshot,
    getServerSnapshot: () => INITIAL_CONVERSATION_LIST,
    subscribe: store.subscribe,
    watch: (options = {}) => rt.loader.watch(options),
    refresh: () => rt.loader.refresh(),
    loadMore: () => rt.loader.loadMore(),
    markRead: (conversationId, seq) => batch(() => markRead(rt, conversationId, seq)),
    get: (conversationId) => store.getSnapshot().conversations.find((item) => item.id === conversationId),
  };
}

/**
 * The user's conversations (`conversation:list`) on `client`, most recent
 * activity first, each with its last message and unread count, kept live by
 * `message:new`, `conversation:updated` and `conversation:read-state`.
 * Fetched while watched; fetched again after every reconnect (catch-up).
 * `markRead` shows at once and reaches the server once (queued while
 * offline). Made on first use, one per client: an app that never calls it
 * ships none of it (`useConversationList` and `useUnreadCount` call it).
 *
 * @example
 * const list = getConversationList(client);
 * const release = list.watch({ limit: 50 });
 * list.subscribe(() => render(list.getSnapshot().conversations));
 * @throws TypeError when `client` was not made by `createRealtimeClient`.
 */
export const getConversationList = (client: RealtimeClient): ConversationListApi => featureOf(conversationLists, client, createConversationList);
