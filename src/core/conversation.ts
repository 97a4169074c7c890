import { HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT, MAX_CONTENT_LENGTH, TYPING_TIMEOUT_MS, type ConversationId, type Message, type UserId } from '../protocol/index.js';
import type { Context, Conversation } from './context.js';
import { handled, noop, rejected, serial } from './context.js';
import { toRealtimeError } from './errors.js';
import { batch, createStore } from './store.js';
import type { ClientMessage, ConversationSnapshot } from './types.js';

/** `typing:start` is sent at most this often while the user keeps typing. */
export const TYPING_THROTTLE_MS = 2000;
/** Own typing stops by itself after this long without a keystroke. */
export const TYPING_IDLE_MS = 3000;
/** Someone else's typing ends by itself this long after their last `isTyping: true`. */
export const TYPING_EXPIRY_MS = TYPING_TIMEOUT_MS + 1000;

/** Past this many missed messages a rejoin reloads the newest page instead of catching up. */
export const MAX_CATCH_UP = 1000;

type Timer = ReturnType<typeof setTimeout>;


/** One conversation: its room membership, messages in `seq` order, pending sends and typing. */
export function createConversation(ctx: Context, id: ConversationId): Conversation {
  const list: ClientMessage[] = []; // confirmed, ascending seq
  const seqs = new Set<number>();
  const typing = new Map<UserId, Timer>();
  // `set` stays here; the handle is readable only.
  const { set, ...store } = createStore<ConversationSnapshot>({
    conversationId: id,
    status: 'idle',
    messages: ctx.outbox.items(id),
    participantIds: [],
    typingUserIds: [],
    hasMore: false,
    loadingOlder: false,
    error: null,
  });
  let refs = 0;
  let session = 0; // a join or leave makes answers of the previous one stale
  let loaded = false;
  let lastSeq = 0; // every seq up to here is in `list` (above the oldest loaded page)
  let older: Promise<boolean> | null = null;
  let unwatch = noop;
  let typingAt: number | null = null; // when typing:start was last sent; null when not typing
  let typingIdle: Timer | undefined;

  const render = () => set({ messages: [...list, ...ctx.outbox.items(id)] });
  const history = (p: { afterSeq?: number; beforeSeq?: number; limit?: number }) => ctx.request('conversation:history', { conversationId: id, ...p });

  /** Someone else typing or not; their typing expires by itself. Renders only when who types changed. */
  const setTyping = (user: UserId, on: boolean) => {
    const had = typing.has(user);
    clearTimeout(typing.get(user));
    if (on) typing.set(user, setTimeout(setTyping, TYPING_EXPIRY_MS, user, false));
    else typing.delete(user);
    if (had != on) set({ typingUserIds: [...typing.keys()] });
  };

  const receive = (messages: readonly Message[]) =>
    batch(() => {
      let changed = false;
      for (const m of messages) {
        const c: ClientMessage = { ...m, status: 'sent' };
        if (!seqs.has(m.seq)) {
          seqs.add(m.seq);
          let i = list.length;
          while (i && list[i - 1]!.seq! > m.seq) i--;
          list.splice(i, 0, c);
          changed = true;
        }
        ctx.outbox.settle(c);
      }
      while (seqs.has(lastSeq + 1)) lastSeq++;
      if (changed) render();
    });

  /** Fetch everything after `lastSeq` (after a reconnect or a gap); one run at a time. */
  const catchUp = serial(async () => {
    for (let more = true, from = -1; more && refs && from != lastSeq && ctx.connected(); ) {
      from = lastSeq;
      const r = await history({ afterSeq: lastSeq, limit: HISTORY_MAX_LIMIT });
      receive(r.messages);
      more = r.hasMore;
    }
  });

  async function sync() {
    const my = session;
    if (!refs || !ctx.connected()) return;
    try {
      const joined = await ctx.request('conversation:join', id);
      if (my != session) return;
      unwatch();
      unwatch = ctx.presence.watch(joined.participantIds);
      set({ participantIds: joined.participantIds });
      // The server forgot messages we saw (restarted without its store), or so much
      // was missed that paging through it all is not worth it: start over from the newest page.
      if (joined.lastSeq < lastSeq || joined.lastSeq - lastSeq > MAX_CATCH_UP) {
        loaded = false;
        list.length = lastSeq = 0;
        seqs.clear();
      }
      if (!loaded) {
        const page = await history({});
        if (my != session) return;
        loaded = true;
        lastSeq = Math.max(lastSeq, page.messages.at(-1)?.seq ?? 0);
        batch(() => {
          receive(page.messages);
          set({ hasMore: page.hasMore });
        });
      }
      // Missed while away, or live messages past a hole: fetch what is missing.
      if (Math.max(joined.lastSeq, list.at(-1)?.seq ?? 0) > lastSeq) await catchUp();
      if (my == session) set({ status: 'joined', error: null });
    } catch (e) {
      // A dropped connection is not an error of the room: the next connect rejoins.
      if (my == session && ctx.connected()) set({ status: 'error', error: toRealtimeError(e) });
    }
  }

  function stopTyping() {
    clearTimeout(typingIdle);
    if (typingAt != null) ctx.emit('typing:stop', { conversationId: id });
    typingAt = null;
  }

  ctx.on('message:new', (m) => {
    if (m.conversationId != id || !refs) return;
    // Socket events are dispatched in a batch already: one notification.
    setTyping(m.senderId, false); // their message ends their typing
    receive([m]);
    if (loaded && m.seq > lastSeq) catchUp().catch(noop);
  });

  ctx.on('user:typing', ({ conversationId, userId, isTyping }) => {
    if (conversationId == id && userId != ctx.userId()) setTyping(userId, isTyping);
  });

  const down = () => {
    stopTyping();
    typing.forEach((_, user) => setTyping(user, false));
  };

  return {
    id,
    ...store,
    join() {
      if (!refs++) {
        session++;
        set({ status: 'joining', error: null });
        void sync();
      }
      let released = false;
      return () => {
        if (released || (released = true, --refs)) return;
        session++;
        batch(() => {
          down();
          set({ status: 'idle' });
        });
        if (ctx.connected()) ctx.request('conversation:leave', id).catch(noop);
        unwatch();
        unwatch = noop;
      };
    },
    send(content) {
      if (!content?.trim() || content.length > MAX_CONTENT_LENGTH)
        return rejected('BAD_REQUEST', `Message is ${content?.trim() ? 'too long' : 'empty'}`);
      stopTyping();
      // randomUUID exists only in secure contexts; the fallback is unique enough for one sender.
      const cmid = globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random()}`;
      return ctx.outbox.add({
        id: cmid,
        seq: null,
        conversationId: id,
        senderId: ctx.userId() ?? '',
        content,
        createdAt: new Date(ctx.now()).toISOString(),
        clientMessageId: cmid,
        status: 'sending',
      });
    },
    // The outbox's methods are closures: safe to hand out as they are.
    retry: ctx.outbox.retry,
    discard: ctx.outbox.discard,
    loadOlder() {
      const first = list[0]?.seq;
      if (older || !store.getSnapshot().hasMore || first == null) return older ?? Promise.resolve(false);
      set({ loadingOlder: true });
      return (older = handled(
        history({ beforeSeq: first, limit: HISTORY_DEFAULT_LIMIT })
          .then((r) => (receive(r.messages), set({ hasMore: r.hasMore }), r.messages.length > 0))
          .finally(() => {
            older = null;
            set({ loadingOlder: false });
          }),
      ));
    },
    startTyping() {
      if (!refs || !ctx.connected()) return;
      const t = ctx.now();
      if (typingAt == null || t - typingAt >= TYPING_THROTTLE_MS) {
        typingAt = t;
        ctx.emit('typing:start', { conversationId: id });
      }
      clearTimeout(typingIdle);
      typingIdle = setTimeout(stopTyping, TYPING_IDLE_MS);
    },
    stopTyping,
    receive,
    resync: sync,
    touch: render,
    down,
    destroy() {
      down();
      unwatch();
    },
  };
}
