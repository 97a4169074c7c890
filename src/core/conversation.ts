import { HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT, MAX_CONTENT_LENGTH, TYPING_TIMEOUT_MS, type ConversationId, type Message, type UserId } from '../protocol/index.js';
import type { ManagedConversation, ConversationContext } from './context.js';
import { handled, noop, once, serial } from './context.js';
import { RealtimeError, toRealtimeError } from './errors.js';
import type { ConversationInspection } from './inspect.js';
import { refusedSend } from './send-result.js';
import { batch, createStore, type Store } from './store.js';
import type { ClientMessage, ConversationJoin, ConversationSnapshot, SendResult } from './types.js';

/** `typing:start` is sent at most this often (ms) while the user keeps typing. */
export const TYPING_THROTTLE_MS = 2000;
/** Own typing stops by itself after this long (ms) without a keystroke. */
export const TYPING_IDLE_MS = 3000;
/** Someone else's typing ends by itself this long (ms) after their last `isTyping: true`. */
export const TYPING_EXPIRY_MS = TYPING_TIMEOUT_MS + 1000;

/** Past this many missed messages a rejoin reloads the newest page instead of catching up. */
export const MAX_CATCH_UP = 1000;

type Timer = ReturnType<typeof setTimeout>;

/** The snapshot of a conversation nobody joined yet; also what the server renders. */
export const initialConversationSnapshot = (conversationId: ConversationId): ConversationSnapshot => ({
  conversationId,
  status: 'idle',
  messages: [],
  participantIds: [],
  typingUserIds: [],
  hasMore: false,
  loadingOlder: false,
  error: null,
});

/** A fresh client message id: `crypto.randomUUID` where it exists (secure contexts), else unique enough for one sender. */
const newClientMessageId = (): string => globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random()}`;

/** Why `content` cannot be sent, or null. */
function contentProblem(content: string | undefined): string | null {
  if (typeof content !== 'string' || content.trim() === '') return 'Message is empty';
  if (content.length > MAX_CONTENT_LENGTH) return 'Message is too long';
  return null;
}

/**
 * The confirmed messages of one conversation in `seq` order, without
 * duplicates. `contiguousSeq`: every seq up to it is held (above the oldest
 * loaded page), so a catch-up asks for what comes after it.
 */
type MessageList = ReturnType<typeof createMessageList>;

function createMessageList() {
  let confirmed: ClientMessage[] = [];
  const seqs = new Set<number>();
  let contiguousSeq = 0;

  function advanceContiguous(): void {
    while (seqs.has(contiguousSeq + 1)) contiguousSeq++;
  }

  return {
    confirmed: () => confirmed,
    contiguousSeq: () => contiguousSeq,
    newestSeq: () => confirmed.at(-1)?.seq ?? 0,
    oldestSeq: () => confirmed[0]?.seq ?? null,
    /** Adds the messages not held yet; returns whether any was new. */
    add(messages: readonly Message[]): boolean {
      let changed = false;
      for (const message of messages) {
        if (seqs.has(message.seq)) continue;
        seqs.add(message.seq);
        let index = confirmed.length;
        while (index > 0 && (confirmed[index - 1]!.seq ?? 0) > message.seq) index--;
        confirmed.splice(index, 0, { ...message, status: 'sent' });
        changed = true;
      }
      advanceContiguous();
      return changed;
    },
    /** The newest page was loaded: nothing below `seq` needs fetching. */
    skipTo(seq: number): void {
      contiguousSeq = Math.max(contiguousSeq, seq);
      advanceContiguous();
    },
    clear(): void {
      confirmed = [];
      seqs.clear();
      contiguousSeq = 0;
    },
  };
}

/** Other users typing in one conversation; each one's typing expires by itself after `TYPING_EXPIRY_MS`. */
type TypingUsers = ReturnType<typeof createTypingUsers>;

function createTypingUsers(onChange: (userIds: UserId[]) => void) {
  const timers = new Map<UserId, Timer>();
  function set(userId: UserId, isTyping: boolean): void {
    const wasTyping = timers.has(userId);
    clearTimeout(timers.get(userId));
    if (isTyping) timers.set(userId, setTimeout(set, TYPING_EXPIRY_MS, userId, false));
    else timers.delete(userId);
    if (wasTyping !== isTyping) onChange([...timers.keys()]);
  }
  return {
    set,
    clear(): void {
      for (const userId of [...timers.keys()]) set(userId, false);
    },
  };
}

/** One `join()`'s `joined` promise and its settlers. */
interface JoinWaiter {
  promise: Promise<void>;
  settle(error?: RealtimeError): void;
}

/** Settle every waiting `joined`: resolved when joined (no `error`), else rejected with it. */
function settleJoins(rt: Runtime, error?: RealtimeError): void {
  const waiters = [...rt.joinWaiters];
  rt.joinWaiters.clear();
  waiters.forEach((waiter) => waiter.settle(error));
}

/** A `joined` promise: settled now when the conversation already is joined or refused, else when it is. */
function waitForJoin(rt: Runtime): JoinWaiter {
  let settle!: JoinWaiter['settle'];
  const promise = handled(new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve()))));
  const waiter = { promise, settle };
  const { status, error } = rt.store.getSnapshot();
  if (status === 'joined') settle();
  else if (status === 'error') settle(toRealtimeError(error));
  else rt.joinWaiters.add(waiter);
  return waiter;
}

/** Everything one conversation knows. Internal to this file. */
interface Runtime {
  ctx: ConversationContext;
  id: ConversationId;
  store: Store<ConversationSnapshot>;
  list: MessageList;
  typing: TypingUsers;
  ownTyping: OwnTyping;
  joins: number;
  subscribers: number;
  /** A join or leave makes answers of the previous session stale. */
  session: number;
  /** The `joined` promises of joins made while joining: settled when joined or refused. */
  joinWaiters: Set<JoinWaiter>;
  /** The newest page is loaded (else the next sync loads it). */
  loaded: boolean;
  olderPage: Promise<boolean> | null;
  unwatchParticipants: () => void;
  /** The subscription to this conversation's pending messages in the outbox (null once destroyed). */
  unsubscribeOutbox: (() => void) | null;
  /** Fetch everything after the contiguous seq; one run at a time. */
  catchUp: () => Promise<void>;
}

const render = (rt: Runtime) => rt.store.set({ messages: [...rt.list.confirmed(), ...rt.ctx.outbox.items(rt.id)] });

const history = (rt: Runtime, page: { afterSeq?: number; beforeSeq?: number; limit?: number }) =>
  rt.ctx.request('conversation:history', { conversationId: rt.id, ...page });

/** Confirmed messages in: shown in seq order, their pending twins settled (which renders, through `onOutboxChanged`). */
function receive(rt: Runtime, messages: readonly Message[]): void {
  batch(() => {
    const added = rt.list.add(messages);
    if (!rt.ctx.outbox.settle(messages) && added) render(rt);
  });
}

/** The outbox's pending messages of this conversation changed; with the ack's stored message, shown in the same snapshot. */
function onOutboxChanged(rt: Runtime, confirmed: Message | undefined): void {
  if (confirmed) rt.list.add([confirmed]);
  render(rt);
  rt.ctx.maybeUnused(rt.id);
}

/** Hear the outbox for this id: at creation, and again when a handle the registry had released is joined. */
function listenToOutbox(rt: Runtime): void {
  rt.unsubscribeOutbox ??= rt.ctx.outbox.subscribe(rt.id, (confirmed) => onOutboxChanged(rt, confirmed));
}

async function catchUpOnce(rt: Runtime): Promise<void> {
  let from = -1;
  while (rt.joins > 0 && rt.ctx.connected() && from !== rt.list.contiguousSeq()) {
    from = rt.list.contiguousSeq();
    const page = await history(rt, { afterSeq: from, limit: HISTORY_MAX_LIMIT });
    receive(rt, page.messages);
    if (!page.hasMore) break;
  }
}

async function loadNewestPage(rt: Runtime, session: number): Promise<void> {
  const page = await history(rt, {});
  if (session !== rt.session) return;
  rt.loaded = true;
  rt.list.skipTo(page.messages.at(-1)?.seq ?? 0);
  batch(() => {
    receive(rt, page.messages);
    rt.store.set({ hasMore: page.hasMore });
  });
}

/** Join the room and bring the messages up to date. `storeChanged`: the server lost the history we hold. */
async function sync(rt: Runtime, storeChanged = false): Promise<void> {
  const session = rt.session;
  if (rt.joins === 0 || !rt.ctx.connected()) return;
  try {
    const joined = await rt.ctx.request('conversation:join', rt.id);
    if (session !== rt.session) return;
    rt.unwatchParticipants();
    rt.unwatchParticipants = rt.ctx.presence.watch(joined.participantIds);
    rt.store.set({ participantIds: joined.participantIds });
    // The server forgot messages we saw (another store, or its lastSeq is below ours), or so
    // much was missed that paging through it is not worth it: start over from the newest page.
    const serverLost = storeChanged || joined.lastSeq < rt.list.contiguousSeq();
    if (serverLost || joined.lastSeq - rt.list.contiguousSeq() > MAX_CATCH_UP) forgetHistory(rt);
    if (serverLost) render(rt); // what we showed is not the server's: do not show it while reloading
    if (!rt.loaded) await loadNewestPage(rt, session);
    if (session !== rt.session) return;
    // Missed while away, or live messages past a hole: fetch what is missing.
    if (Math.max(joined.lastSeq, rt.list.newestSeq()) > rt.list.contiguousSeq()) await rt.catchUp();
    if (session !== rt.session) return;
    rt.store.set({ status: 'joined', error: null });
    settleJoins(rt);
  } catch (error) {
    // A dropped connection is not an error of the room: the next connect rejoins.
    if (session !== rt.session || !rt.ctx.connected()) return;
    const refusal = toRealtimeError(error);
    rt.store.set({ status: 'error', error: refusal });
    settleJoins(rt, refusal);
  }
}

function forgetHistory(rt: Runtime): void {
  rt.loaded = false;
  rt.list.clear();
}

function linkDown(rt: Runtime): void {
  rt.ownTyping.stop();
  rt.typing.clear();
}

function leave(rt: Runtime): void {
  rt.session++;
  batch(() => {
    linkDown(rt);
    rt.store.set({ status: 'idle' });
  });
  if (rt.ctx.connected()) rt.ctx.request('conversation:leave', rt.id).catch(noop);
  rt.unwatchParticipants();
  rt.unwatchParticipants = noop;
  rt.ctx.maybeUnused(rt.id);
}

/** Reference-counted join; the release leaves after the last one. */
function join(rt: Runtime, handle: ManagedConversation): ConversationJoin {
  rt.joins++;
  if (rt.joins === 1) {
    listenToOutbox(rt);
    rt.ctx.adopt(handle);
    rt.session++;
    rt.store.set({ status: 'joining', error: null });
    void sync(rt);
  }
  const waiter = waitForJoin(rt);
  const release = once(() => {
    rt.joinWaiters.delete(waiter);
    // The explanation is development help; production builds keep the code as the message.
    waiter.settle(new RealtimeError('DISCONNECTED', process.env.NODE_ENV !== 'production' ? 'Released before the conversation was joined' : undefined));
    rt.joins--;
    if (rt.joins === 0) leave(rt);
  });
  return Object.assign(release, { release, joined: waiter.promise });
}

function loadOlder(rt: Runtime): Promise<boolean> {
  const oldest = rt.list.oldestSeq();
  if (rt.olderPage) return rt.olderPage;
  if (!rt.store.getSnapshot().hasMore || oldest === null) return Promise.resolve(false);
  rt.store.set({ loadingOlder: true });
  const request = history(rt, { beforeSeq: oldest, limit: HISTORY_DEFAULT_LIMIT }).then((page) => {
    receive(rt, page.messages);
    rt.store.set({ hasMore: page.hasMore });
    return page.messages.length > 0;
  });
  rt.olderPage = handled(
    request.finally(() => {
      rt.olderPage = null;
      rt.store.set({ loadingOlder: false });
    }),
  );
  return rt.olderPage;
}

function send(rt: Runtime, content: string): SendResult {
  const problem = contentProblem(content);
  if (problem !== null) return refusedSend(new RealtimeError('BAD_REQUEST', problem));
  rt.ownTyping.stop();
  const clientMessageId = newClientMessageId();
  return rt.ctx.outbox.add({
    id: clientMessageId,
    seq: null,
    conversationId: rt.id,
    senderId: rt.ctx.userId() ?? '',
    content,
    createdAt: new Date(rt.ctx.now()).toISOString(),
    clientMessageId,
    status: 'sending',
  });
}

/** A store subscription that counts subscribers (a subscribed handle is kept; see the registry). */
function subscribe(rt: Runtime, listener: () => void): () => void {
  rt.subscribers++;
  const unsubscribe = rt.store.subscribe(listener);
  return once(() => {
    unsubscribe();
    rt.subscribers--;
    rt.ctx.maybeUnused(rt.id);
  });
}

/** `message:new` for this conversation, routed here by the registry. */
function onMessage(rt: Runtime, message: Message): void {
  if (rt.joins === 0) return;
  rt.typing.set(message.senderId, false); // their message ends their typing
  receive(rt, [message]);
  if (rt.loaded && message.seq > rt.list.contiguousSeq()) rt.catchUp().catch(noop);
}

function createRuntime(ctx: ConversationContext, id: ConversationId): Runtime {
  const store = createStore<ConversationSnapshot>({ ...initialConversationSnapshot(id), messages: ctx.outbox.items(id) });
  const rt: Runtime = {
    ctx,
    id,
    store,
    list: createMessageList(),
    typing: createTypingUsers((typingUserIds) => store.set({ typingUserIds })),
    ownTyping: createOwnTyping(ctx, id),
    joins: 0,
    subscribers: 0,
    session: 0,
    loaded: false,
    olderPage: null,
    joinWaiters: new Set(),
    unwatchParticipants: noop,
    unsubscribeOutbox: null,
    catchUp: serial(() => catchUpOnce(rt)),
  };
  listenToOutbox(rt);
  return rt;
}

/** Joins and seq cursors as `inspectClient` shows them (development builds). */
function inspect(rt: Runtime): ConversationInspection {
  return {
    conversationId: rt.id,
    status: rt.store.getSnapshot().status,
    joins: rt.joins,
    subscribers: rt.subscribers,
    contiguousSeq: rt.list.contiguousSeq(),
    newestSeq: rt.list.newestSeq(),
    messages: rt.list.confirmed().length,
    pending: rt.ctx.outbox.items(rt.id).length,
  };
}

/**
 * One conversation: its room membership (reference-counted joins), messages
 * in `seq` order, this client's pending sends and who is typing.
 */
export function createConversation(ctx: ConversationContext, id: ConversationId): ManagedConversation {
  const rt = createRuntime(ctx, id);
  const serverSnapshot = initialConversationSnapshot(id);
  const handle: ManagedConversation = {
    id,
    getSnapshot: rt.store.getSnapshot,
    getServerSnapshot: () => serverSnapshot,
    subscribe: (listener) => subscribe(rt, listener),
    join: () => join(rt, handle),
    send: (content) => send(rt, content),
    // The outbox's methods are closures: safe to hand out as they are.
    retry: ctx.outbox.retry,
    discard: ctx.outbox.discard,
    loadOlder: () => loadOlder(rt),
    startTyping: () => {
      if (rt.joins > 0) rt.ownTyping.keystroke();
    },
    stopTyping: rt.ownTyping.stop,
    onMessage: (message) => onMessage(rt, message),
    onTyping: (userId, isTyping) => {
      if (userId !== ctx.userId()) rt.typing.set(userId, isTyping);
    },
    resync: (storeChanged) => sync(rt, storeChanged),
    linkDown: () => linkDown(rt),
    isUnused: () => rt.joins === 0 && rt.subscribers === 0 && ctx.outbox.items(id).length === 0,
    destroy: () => {
      settleJoins(rt, new RealtimeError('DESTROYED'));
      linkDown(rt);
      rt.unwatchParticipants();
      rt.unsubscribeOutbox?.();
      rt.unsubscribeOutbox = null;
    },
  };
  if (process.env.NODE_ENV !== 'production') handle.inspect = () => inspect(rt);
  return handle;
}

type OwnTyping = ReturnType<typeof createOwnTyping>;

/** This user's typing in one conversation: throttled `typing:start`, `typing:stop` after an idle pause. */
function createOwnTyping(ctx: ConversationContext, conversationId: ConversationId) {
  let lastStartSentAt: number | null = null; // null while not typing
  let idleTimer: Timer | undefined;

  function stop(): void {
    clearTimeout(idleTimer);
    if (lastStartSentAt !== null) ctx.emitIfConnected('typing:stop', { conversationId });
    lastStartSentAt = null;
  }

  function keystroke(): void {
    if (!ctx.connected()) return;
    // Monotonic: with the wall clock stepping back, `now - lastStartSentAt` stays negative and typing goes silent.
    const now = performance.now();
    if (lastStartSentAt === null || now - lastStartSentAt >= TYPING_THROTTLE_MS) {
      lastStartSentAt = now;
      ctx.emitIfConnected('typing:start', { conversationId });
    }
    clearTimeout(idleTimer);
    idleTimer = setTimeout(stop, TYPING_IDLE_MS);
  }

  return { stop, keystroke };
}
