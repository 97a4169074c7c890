import type {
  ConversationId,
  ConversationListResult,
  ConversationReadStatePayload,
  ConversationSummary,
  Message,
} from '../protocol/index.js';
import type { Context, Outbox } from './context.js';
import { RealtimeError } from './errors.js';
import { INITIAL_PAGE_STATE, createPageLoader, isUnknownEvent, type PageLoader } from './page-loader.js';
import { createReadQueue, type ReadQueue } from './read-queue.js';
import { batch, createStore, type Store } from './store.js';
import type { ConversationListApi, ConversationListSnapshot } from './types.js';

/** The snapshot before the first answer; also what the server renders. */
export const INITIAL_CONVERSATION_LIST: ConversationListSnapshot = Object.freeze({
  conversations: Object.freeze([]) as readonly ConversationSummary[],
  unreadCount: 0,
  ...INITIAL_PAGE_STATE,
});

/** The client's conversation list, plus what the client drives it with. Internal. */
export interface ConversationList extends ConversationListApi {
  /** Connected: send the read cursors that waited, then fetch the first page again if watched. */
  linkUp(): void;
  linkDown(): void;
  destroy(): void;
}

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

/** `BAD_REQUEST` for a bad `markRead` call; the reason in development builds only. */
const badRead = (reason: string) => new RealtimeError('BAD_REQUEST', process.env.NODE_ENV !== 'production' ? `markRead: ${reason}` : undefined);

/** Optimistic: shown read at once, then sent (or queued until connected). */
function markRead(rt: Runtime, conversationId: ConversationId, seq?: number): void {
  if (typeof conversationId !== 'string' || conversationId === '') throw badRead('conversationId must be a non-empty string');
  const list = rt.store.getSnapshot().conversations;
  const item = list.find((candidate) => candidate.id === conversationId);
  const target = seq ?? item?.lastSeq;
  if (target === undefined) throw badRead('no seq given and the conversation is not in the list');
  if (!Number.isInteger(target) || target < 0) throw badRead('seq must be a non-negative integer');
  // Already read that far, as the server confirmed, or a server that keeps no read state: nothing to send.
  if (rt.store.getSnapshot().unsupported) return;
  if (item && target <= item.lastReadSeq && rt.reads.waiting(conversationId) === undefined) return;
  rt.reads.add(conversationId, target);
  if (item) setList(rt, list.map((other) => (other === item ? readUpTo(item, target) : other)));
}

function refused(rt: Runtime, conversationId: ConversationId, error: RealtimeError): void {
  // A server before protocol 1.2: read state is not kept there; say so once, quietly.
  if (isUnknownEvent(error)) return rt.store.set({ unsupported: true });
  rt.ctx.report(error, `markRead ${conversationId}`);
  // The optimistic state may be wrong: the server's list says what is true.
  void rt.loader.refresh();
}

function listen(rt: Runtime, outbox: Outbox): void {
  rt.ctx.on('message:new', (message) => applyMessage(rt, message));
  rt.ctx.on('conversation:updated', ({ lastMessage }) => applyMessage(rt, lastMessage));
  rt.ctx.on('conversation:read-state', (state) => applyReadState(rt, state));
  // The sending socket hears no `message:new` of its own message: its ack is how the list learns it.
  outbox.onConfirmed((message) => applyMessage(rt, message));
}

/**
 * The user's conversations (`conversation:list`), most recent activity first,
 * each with its last message and unread count, kept live by `message:new`,
 * `conversation:updated` and `conversation:read-state`. Fetched while
 * watched; fetched again after every reconnect (catch-up). `markRead` shows
 * at once and reaches the server once (queued while offline).
 */
export function createConversationList(ctx: Context, outbox: Outbox): ConversationList {
  const store = createStore<ConversationListSnapshot>(INITIAL_CONVERSATION_LIST);
  // The parts call back into `rt` only later (answers, pages), when it is complete.
  const rt: Runtime = {
    ctx,
    store,
    reads: createReadQueue(ctx, { answered: (result) => applyReadState(rt, result), refused: (id, error) => refused(rt, id, error) }),
    loader: createPageLoader(ctx, store, {
      fetch: (cursor, limit) => ctx.request('conversation:list', { cursor, limit }),
      received: (page, first) => received(rt, page, first),
    }),
  };
  listen(rt, outbox);
  return {
    getSnapshot: store.getSnapshot,
    getServerSnapshot: () => INITIAL_CONVERSATION_LIST,
    subscribe: store.subscribe,
    watch: (options = {}) => rt.loader.watch(options),
    refresh: () => rt.loader.refresh(),
    loadMore: () => rt.loader.loadMore(),
    markRead: (conversationId, seq) => batch(() => markRead(rt, conversationId, seq)),
    get: (conversationId) => store.getSnapshot().conversations.find((item) => item.id === conversationId),
    linkUp() {
      rt.reads.flush();
      rt.loader.linkUp();
    },
    linkDown: () => rt.loader.linkDown(),
    destroy() {
      rt.reads.destroy();
      rt.loader.destroy();
    },
  };
}
