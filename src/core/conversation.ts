import { HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT, MAX_CONTENT_LENGTH, TYPING_TIMEOUT_MS, type ConversationId, type Message, type UserId } from '../protocol/index.js';
import type { Conversation, ConversationContext } from './context.js';
import { handled, noop, rejected, serial } from './context.js';
import { toRealtimeError } from './errors.js';
import { batch, createStore } from './store.js';
import type { ClientMessage, ConversationSnapshot } from './types.js';

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

/**
 * One conversation: its room membership (reference-counted joins), messages
 * in `seq` order, this client's pending sends and who is typing.
 */
export function createConversation(ctx: ConversationContext, id: ConversationId): Conversation {
  const { set, subscribe, getSnapshot } = createStore<ConversationSnapshot>({ ...initialConversationSnapshot(id), messages: ctx.outbox.items(id) });
  const serverSnapshot = initialConversationSnapshot(id);
  const list = createMessageList();
  const typing = createTypingUsers((typingUserIds) => set({ typingUserIds }));
  const ownTyping = createOwnTyping(ctx, id);
  let joins = 0;
  let subscribers = 0;
  let session = 0; // a join or leave makes answers of the previous one stale
  let loaded = false;
  let olderPage: Promise<boolean> | null = null;
  let unwatchParticipants = noop;

  const render = () => set({ messages: [...list.confirmed(), ...ctx.outbox.items(id)] });
  const history = (page: { afterSeq?: number; beforeSeq?: number; limit?: number }) => ctx.request('conversation:history', { conversationId: id, ...page });

  function receive(messages: readonly Message[]): void {
    batch(() => {
      if (list.add(messages)) render();
      for (const message of messages) ctx.outbox.settle({ ...message, status: 'sent' });
    });
  }

  /** Fetch everything after the contiguous seq (after a reconnect or a gap); one run at a time. */
  const catchUp = serial(async () => {
    let from = -1;
    while (joins > 0 && ctx.connected() && from !== list.contiguousSeq()) {
      from = list.contiguousSeq();
      const page = await history({ afterSeq: from, limit: HISTORY_MAX_LIMIT });
      receive(page.messages);
      if (!page.hasMore) break;
    }
  });

  async function loadNewestPage(mySession: number): Promise<void> {
    const page = await history({});
    if (mySession !== session) return;
    loaded = true;
    list.skipTo(page.messages.at(-1)?.seq ?? 0);
    batch(() => {
      receive(page.messages);
      set({ hasMore: page.hasMore });
    });
  }

  function forgetHistory(): void {
    loaded = false;
    list.clear();
  }

  /** Join the room and bring the messages up to date. `storeChanged`: the server lost the history we hold. */
  async function sync(storeChanged = false): Promise<void> {
    const mySession = session;
    if (joins === 0 || !ctx.connected()) return;
    try {
      const joined = await ctx.request('conversation:join', id);
      if (mySession !== session) return;
      unwatchParticipants();
      unwatchParticipants = ctx.presence.watch(joined.participantIds);
      set({ participantIds: joined.participantIds });
      // The server forgot messages we saw (another store, or its lastSeq is below ours), or so
      // much was missed that paging through it is not worth it: start over from the newest page.
      const serverLost = storeChanged || joined.lastSeq < list.contiguousSeq();
      if (serverLost || joined.lastSeq - list.contiguousSeq() > MAX_CATCH_UP) forgetHistory();
      if (serverLost) render();
      if (!loaded) await loadNewestPage(mySession);
      if (mySession !== session) return;
      // Missed while away, or live messages past a hole: fetch what is missing.
      if (Math.max(joined.lastSeq, list.newestSeq()) > list.contiguousSeq()) await catchUp();
      if (mySession === session) set({ status: 'joined', error: null });
    } catch (error) {
      // A dropped connection is not an error of the room: the next connect rejoins.
      if (mySession === session && ctx.connected()) set({ status: 'error', error: toRealtimeError(error) });
    }
  }

  function leave(): void {
    session++;
    batch(() => {
      linkDown();
      set({ status: 'idle' });
    });
    if (ctx.connected()) ctx.request('conversation:leave', id).catch(noop);
    unwatchParticipants();
    unwatchParticipants = noop;
    ctx.maybeUnused(id);
  }

  function linkDown(): void {
    ownTyping.stop();
    typing.clear();
  }

  function join(): () => void {
    joins++;
    if (joins === 1) {
      ctx.adopt(handle);
      session++;
      set({ status: 'joining', error: null });
      void sync();
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      joins--;
      if (joins === 0) leave();
    };
  }

  function loadOlder(): Promise<boolean> {
    const oldest = list.oldestSeq();
    if (olderPage) return olderPage;
    if (!getSnapshot().hasMore || oldest === null) return Promise.resolve(false);
    set({ loadingOlder: true });
    const request = history({ beforeSeq: oldest, limit: HISTORY_DEFAULT_LIMIT }).then((page) => {
      receive(page.messages);
      set({ hasMore: page.hasMore });
      return page.messages.length > 0;
    });
    olderPage = handled(
      request.finally(() => {
        olderPage = null;
        set({ loadingOlder: false });
      }),
    );
    return olderPage;
  }

  function send(content: string): Promise<ClientMessage> {
    const problem = contentProblem(content);
    if (problem !== null) return rejected('BAD_REQUEST', problem);
    ownTyping.stop();
    const clientMessageId = newClientMessageId();
    return ctx.outbox.add({
      id: clientMessageId,
      seq: null,
      conversationId: id,
      senderId: ctx.userId() ?? '',
      content,
      createdAt: new Date(ctx.now()).toISOString(),
      clientMessageId,
      status: 'sending',
    });
  }

  const handle: Conversation = {
    id,
    getSnapshot,
    getServerSnapshot: () => serverSnapshot,
    subscribe(listener) {
      subscribers++;
      const unsubscribe = subscribe(listener);
      let done = false;
      return () => {
        if (done) return;
        done = true;
        unsubscribe();
        subscribers--;
        ctx.maybeUnused(id);
      };
    },
    join,
    send,
    // The outbox's methods are closures: safe to hand out as they are.
    retry: ctx.outbox.retry,
    discard: ctx.outbox.discard,
    loadOlder,
    startTyping: () => {
      if (joins > 0) ownTyping.keystroke();
    },
    stopTyping: ownTyping.stop,
    receive,
    onMessage(message) {
      if (joins === 0) return;
      typing.set(message.senderId, false); // their message ends their typing
      receive([message]);
      if (loaded && message.seq > list.contiguousSeq()) catchUp().catch(noop);
    },
    onTyping(userId, isTyping) {
      if (userId !== ctx.userId()) typing.set(userId, isTyping);
    },
    resync: sync,
    render() {
      render();
      ctx.maybeUnused(id);
    },
    linkDown,
    isUnused: () => joins === 0 && subscribers === 0 && ctx.outbox.items(id).length === 0,
    destroy() {
      linkDown();
      unwatchParticipants();
    },
  };
  return handle;
}

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
    const now = ctx.now();
    if (lastStartSentAt === null || now - lastStartSentAt >= TYPING_THROTTLE_MS) {
      lastStartSentAt = now;
      ctx.emitIfConnected('typing:start', { conversationId });
    }
    clearTimeout(idleTimer);
    idleTimer = setTimeout(stop, TYPING_IDLE_MS);
  }

  return { stop, keystroke };
}
