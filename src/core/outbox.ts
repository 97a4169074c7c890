import type { Context, Outbox, OutboxEvents } from './context.js';
import { handled, rejected, serial } from './context.js';
import { RealtimeError, toRealtimeError } from './errors.js';
import { batch } from './store.js';
import type { ClientMessage } from './types.js';

/** Default `outbox.maxSize`: most messages waiting to be sent. */
export const OUTBOX_MAX_SIZE = 500;
/** Default `outbox.storageKey`. */
export const OUTBOX_STORAGE_KEY = 'socketkit:outbox';

type Settle = (m: ClientMessage | null, e?: RealtimeError) => void;

/**
 * The ordered queue of this client's unconfirmed messages (pending and failed),
 * sent one at a time so the server stores them in the order they were written.
 */
export function createOutbox(ctx: Context, events: OutboxEvents): Outbox {
  const { maxSize = OUTBOX_MAX_SIZE, storage, storageKey = OUTBOX_STORAGE_KEY } = ctx.options.outbox ?? {};
  let items: ClientMessage[] = [];
  const waiters = new Map<string, Settle[]>(); // the send()/retry() promises of each clientMessageId
  let timer: ReturnType<typeof setTimeout> | undefined;

  const find = (clientMessageId: string) => items.find((i) => i.clientMessageId === clientMessageId);
  const warn = (e: unknown) => ctx.log.warn('[socketkit] outbox', e);

  /** Persist the items as they are when it runs (a microtask later): the latest state wins. */
  async function persist(): Promise<void> {
    if (!storage) return;
    if (items.length === 0) await storage.removeItem(storageKey);
    else await storage.setItem(storageKey, JSON.stringify(items.map(({ error: _, ...message }) => message)));
  }

  /** Replace the items, redraw the conversations concerned, persist. */
  function write(next: ClientMessage[], ...conversationIds: string[]): void {
    items = next;
    batch(() => conversationIds.forEach(events.changed));
    if (storage) Promise.resolve().then(persist).catch(warn);
  }

  /** A promise settled when `clientMessageId` is stored (resolve) or fails for good (reject). */
  function wait(clientMessageId: string): Promise<ClientMessage> {
    const promise = new Promise<ClientMessage>((resolve, reject) => {
      const settle: Settle = (message, error) => {
        if (error) reject(error);
        else resolve(message!);
      };
      waiters.set(clientMessageId, [...(waiters.get(clientMessageId) ?? []), settle]);
    });
    return handled(promise);
  }

  const finish = (clientMessageId: string, m: ClientMessage | null, e?: RealtimeError) => {
    waiters.get(clientMessageId)?.forEach((settle) => settle(m, e));
    waiters.delete(clientMessageId);
  };

  const update = (item: ClientMessage, patch: Partial<ClientMessage>) =>
    write(items.map((i) => (i === item ? { ...i, ...patch } : i)), item.conversationId);

  // One at a time, so the server stores them in order.
  const flush = serial(async () => {
    clearTimeout(timer);
    for (;;) {
      const item = ctx.connected() ? items.find((i) => i.status === 'sending') : undefined;
      if (item === undefined) break;
      const { conversationId, content, clientMessageId } = item;
      try {
        events.confirmed((await ctx.request('message:send', { conversationId, content, clientMessageId })).message);
      } catch (e) {
        const error = toRealtimeError(e);
        if (!items.includes(item)) continue; // discarded or confirmed meanwhile
        if (error.retryable) {
          // DISCONNECTED waits for the next connect, which flushes again.
          if (error.code !== 'DISCONNECTED') timer = setTimeout(flush, error.retryAfterMs ?? 1000);
          break;
        }
        update(item, { status: 'failed', error });
        finish(clientMessageId, null, error);
      }
    }
  });

  // Messages queued before a reload come first, in their order.
  if (storage) {
    Promise.resolve()
      .then(() => storage.getItem(storageKey))
      .then((raw) => {
        const restored = (JSON.parse(raw || '[]') as ClientMessage[]).filter((m) => !find(m.clientMessageId));
        write([...restored, ...items], ...restored.map((m) => m.conversationId));
        void flush();
      })
      .catch(warn);
  }

  return {
    items: (id) => items.filter((i) => i.conversationId === id),
    add(m) {
      if (items.filter((i) => i.status === 'sending').length >= maxSize) return rejected('OUTBOX_FULL');
      const done = wait(m.clientMessageId);
      write([...items, m], m.conversationId);
      void flush();
      return done;
    },
    retry(clientMessageId) {
      const item = find(clientMessageId);
      if (!item) return rejected('NOT_FOUND');
      const done = wait(clientMessageId);
      if (item.status === 'failed') {
        update(item, { status: 'sending', error: undefined });
        void flush();
      }
      return done;
    },
    discard(clientMessageId) {
      const item = find(clientMessageId);
      if (!item) return;
      write(items.filter((i) => i !== item), item.conversationId);
      finish(clientMessageId, null, new RealtimeError('DESTROYED', 'Message discarded'));
    },
    settle(m) {
      const item = find(m.clientMessageId);
      if (item?.conversationId !== m.conversationId) return;
      write(items.filter((i) => i !== item), m.conversationId);
      finish(m.clientMessageId, m);
    },
    flush: () => void flush(),
    destroy() {
      clearTimeout(timer);
      items.forEach((i) => finish(i.clientMessageId, null, new RealtimeError('DESTROYED')));
    },
  };
}
