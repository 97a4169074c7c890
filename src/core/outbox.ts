import type { ConversationId, Message } from '../protocol/index.js';
import type { Context, Outbox } from './context.js';
import type { OutboxItemInspection } from './inspect.js';
import { handled, serial } from './context.js';
import { RealtimeError, toRealtimeError } from './errors.js';
import { createEventBus, type EventBus } from './event-bus.js';
import { batch } from './store.js';
import { refusedSend, sendResult } from './send-result.js';
import type { ClientMessage, OutboxStorage, SendResult } from './types.js';

/** Default `outbox.maxSize`: most messages waiting to be sent. */
export const OUTBOX_MAX_SIZE = 500;
/** Default `outbox.storageKey`. */
export const OUTBOX_STORAGE_KEY = 'socketkit:outbox';
/**
 * Attempts at sending one message before it is `failed` with the last error
 * (a retryable one: `INTERNAL`, `TIMEOUT`, `RATE_LIMITED`), so one message the
 * server keeps refusing never blocks the later ones. A disconnect does not
 * count: the message waits for the next connection. `retry()` starts over.
 */
export const MAX_SEND_ATTEMPTS = 8;
/** Wait before the next attempt when the server names none (`retryAfterMs`). */
const RETRY_DELAY_MS = 1000;

type Settle = (message: ClientMessage | null, error?: RealtimeError) => void;

/** Everything the outbox knows. Internal to this file. */
interface Runtime {
  ctx: Context;
  /** Per conversation id: who hears its pending messages change (its conversation handle); the payload is the ack's stored message, if that was the change. */
  listeners: EventBus<Record<ConversationId, Message | undefined>>;
  maxSize: number;
  storage: OutboxStorage | undefined;
  storageKey: string;
  items: ClientMessage[];
  /** The `send()`/`retry()` promises of each clientMessageId. */
  waiters: Map<string, Settle[]>;
  retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Failed attempts of each `sending` clientMessageId (see `MAX_SEND_ATTEMPTS`). */
  attempts: Map<string, number>;
  /** Sends the `sending` items one at a time, in order. */
  flush: () => Promise<void>;
  /** Who hears every message the server confirmed to this client (`onConfirmed`): the ack of its `message:send`. */
  confirmed: EventBus<{ confirmed: Message }>;
  /** Set by `destroy()`: `add`/`retry` then reject with `DESTROYED` (nothing would ever send them). */
  destroyed?: true;
}

const find = (rt: Runtime, clientMessageId: string) => rt.items.find((item) => item.clientMessageId === clientMessageId);
const warn = (rt: Runtime, error: unknown) => rt.ctx.log.warn('[socketkit] outbox', error);

/** Persist the items as they are when it runs (a microtask later): the latest state wins. */
async function persist(rt: Runtime): Promise<void> {
  if (!rt.storage) return;
  if (rt.items.length === 0) await rt.storage.removeItem(rt.storageKey);
  else await rt.storage.setItem(rt.storageKey, JSON.stringify(rt.items.map(({ error: _, ...message }) => message)));
}

/** Replace the items, tell the conversations concerned, persist. */
function write(rt: Runtime, next: ClientMessage[], conversationIds: readonly ConversationId[], confirmed?: Message): void {
  rt.items = next;
  batch(() => new Set(conversationIds).forEach((conversationId) => rt.listeners.emit(conversationId, confirmed)));
  if (rt.storage) Promise.resolve().then(() => persist(rt)).catch((error: unknown) => warn(rt, error));
}

/** A promise settled when `clientMessageId` is stored (resolve) or fails for good (reject). */
function wait(rt: Runtime, clientMessageId: string): Promise<ClientMessage> {
  const promise = new Promise<ClientMessage>((resolve, reject) => {
    const settle: Settle = (message, error) => {
      if (error) reject(error);
      else resolve(message!);
    };
    rt.waiters.set(clientMessageId, [...(rt.waiters.get(clientMessageId) ?? []), settle]);
  });
  return handled(promise);
}

function finish(rt: Runtime, clientMessageId: string, message: ClientMessage | null, error?: RealtimeError): void {
  rt.attempts.delete(clientMessageId);
  rt.waiters.get(clientMessageId)?.forEach((settle) => settle(message, error));
  rt.waiters.delete(clientMessageId);
}

function update(rt: Runtime, item: ClientMessage, patch: Partial<ClientMessage>): void {
  write(rt, rt.items.map((other) => (other === item ? { ...other, ...patch } : other)), [item.conversationId]);
}

/** One pass: send every `sending` item in order; stop at a retryable failure (retried later, `MAX_SEND_ATTEMPTS` in all). */
async function sendAll(rt: Runtime): Promise<void> {
  // Waiting out a failure (`retryAfterMs`): a new send() queues behind it; the timer flushes.
  if (rt.retryTimer !== undefined) return;
  for (;;) {
    const item = rt.ctx.connected() ? rt.items.find((candidate) => candidate.status === 'sending') : undefined;
    if (item === undefined) return;
    const { conversationId, content, clientMessageId } = item;
    try {
      const { message } = await rt.ctx.request('message:send', { conversationId, content, clientMessageId });
      settle(rt, [message], message);
    } catch (caught) {
      const error = toRealtimeError(caught);
      if (!rt.items.includes(item)) continue; // discarded or confirmed meanwhile
      // DISCONNECTED waits for the next connect, which flushes again.
      if (error.code === 'DISCONNECTED') return;
      const attempts = (rt.attempts.get(clientMessageId) ?? 0) + 1;
      if (error.retryable && attempts < MAX_SEND_ATTEMPTS) {
        rt.attempts.set(clientMessageId, attempts);
        rt.retryTimer = setTimeout(() => {
          rt.retryTimer = undefined;
          void rt.flush();
        }, error.retryAfterMs ?? RETRY_DELAY_MS);
        return;
      }
      update(rt, item, { status: 'failed', error });
      finish(rt, clientMessageId, null, error);
      // A failed item keeps its count (`inspectClient` shows it) until it is retried or discarded.
      if (process.env.NODE_ENV !== 'production') rt.attempts.set(clientMessageId, attempts);
    }
  }
}

/** Messages queued before a reload come first, in their order. */
function restore(rt: Runtime, storage: OutboxStorage): void {
  Promise.resolve()
    .then(() => storage.getItem(rt.storageKey))
    .then((raw) => {
      const restored = (JSON.parse(raw || '[]') as ClientMessage[]).filter((message) => !find(rt, message.clientMessageId));
      write(rt, [...restored, ...rt.items], restored.map((message) => message.conversationId));
      void rt.flush();
    })
    .catch((error: unknown) => warn(rt, error));
}

/** A message that is (again) pending: going out now when connected, else queued for the next connection. */
const pending = (rt: Runtime, clientMessageId: string): SendResult => sendResult(wait(rt, clientMessageId), rt.ctx.connected() ? 'sending' : 'queued', clientMessageId);

function add(rt: Runtime, message: ClientMessage): SendResult {
  if (rt.destroyed) return refusedSend(new RealtimeError('DESTROYED'));
  if (rt.items.filter((item) => item.status === 'sending').length >= rt.maxSize) return refusedSend(new RealtimeError('OUTBOX_FULL'));
  const done = pending(rt, message.clientMessageId);
  write(rt, [...rt.items, message], [message.conversationId]);
  void rt.flush();
  return done;
}

function retry(rt: Runtime, clientMessageId: string): SendResult {
  if (rt.destroyed) return refusedSend(new RealtimeError('DESTROYED'), clientMessageId);
  const item = find(rt, clientMessageId);
  if (!item) return refusedSend(new RealtimeError('NOT_FOUND'), clientMessageId);
  const done = pending(rt, clientMessageId);
  if (item.status === 'failed') {
    rt.attempts.delete(clientMessageId);
    update(rt, item, { status: 'sending', error: undefined });
    void rt.flush();
  }
  return done;
}

function discard(rt: Runtime, clientMessageId: string): void {
  const item = find(rt, clientMessageId);
  if (!item) return;
  write(rt, rt.items.filter((other) => other !== item), [item.conversationId]);
  // The explanation is development help; production builds keep the code as the message.
  finish(rt, clientMessageId, null, new RealtimeError('DESTROYED', process.env.NODE_ENV !== 'production' ? 'Message discarded' : undefined));
}

/** The pending twin of a stored message, if this client still holds it. */
function twinOf(rt: Runtime, message: Message): ClientMessage | undefined {
  const item = find(rt, message.clientMessageId);
  return item?.conversationId === message.conversationId ? item : undefined;
}

/**
 * Stored messages (history, `message:new`, or `confirmed`: the ack of our own
 * `message:send`): their pending twins go, their `send()`s resolve, and the
 * conversations concerned hear it in one change, so each shows a message once,
 * in one snapshot. The ack is heard even when its twin went meanwhile
 * (discarded): the server stored it. Returns whether any twin went.
 */
function settle(rt: Runtime, messages: readonly Message[], confirmed?: Message): boolean {
  const settled = messages.filter((message) => twinOf(rt, message) !== undefined);
  if (settled.length === 0 && !confirmed) return false;
  const twins = new Set(settled.map((message) => message.clientMessageId));
  write(rt, rt.items.filter((other) => !twins.has(other.clientMessageId)), (confirmed ? messages : settled).map((message) => message.conversationId), confirmed);
  for (const message of settled) finish(rt, message.clientMessageId, { ...message, status: 'sent' });
  if (confirmed) rt.confirmed.emit('confirmed', confirmed);
  return settled.length > 0;
}

/** The items as `inspectClient` shows them (development builds). */
function inspect(rt: Runtime): OutboxItemInspection[] {
  return rt.items.map((item) => ({
    clientMessageId: item.clientMessageId,
    conversationId: item.conversationId,
    content: item.content,
    status: item.status === 'failed' ? 'failed' : 'sending',
    failedAttempts: rt.attempts.get(item.clientMessageId) ?? 0,
    errorCode: item.error?.code ?? null,
  }));
}

/**
 * The ordered queue of this client's unconfirmed messages (pending and failed),
 * sent one at a time so the server stores them in the order they were written.
 */
export function createOutbox(ctx: Context): Outbox {
  const { maxSize = OUTBOX_MAX_SIZE, storage, storageKey = OUTBOX_STORAGE_KEY } = ctx.options.outbox ?? {};
  const rt: Runtime = { ctx, listeners: createEventBus(ctx.report), confirmed: createEventBus(ctx.report), maxSize, storage, storageKey, items: [], waiters: new Map(), retryTimer: undefined, attempts: new Map(), flush: serial(() => sendAll(rt)) };
  if (storage) restore(rt, storage);
  const outbox: Outbox = {
    items: (conversationId) => rt.items.filter((item) => item.conversationId === conversationId),
    subscribe: rt.listeners.on,
    add: (message) => add(rt, message),
    // Closures, handed out as they are by conversation handles.
    retry: (clientMessageId) => retry(rt, clientMessageId),
    discard: (clientMessageId) => discard(rt, clientMessageId),
    settle: (messages) => settle(rt, messages),
    onConfirmed: (listener) => rt.confirmed.on('confirmed', listener),
    // A (re)connection: a new start, sent at once.
    flush() {
      clearTimeout(rt.retryTimer);
      rt.retryTimer = undefined;
      void rt.flush();
    },
    destroy() {
      rt.confirmed.clear();
      rt.destroyed = true;
      clearTimeout(rt.retryTimer);
      rt.items.forEach((item) => finish(rt, item.clientMessageId, null, new RealtimeError('DESTROYED')));
    },
  };
  if (process.env.NODE_ENV !== 'production') outbox.inspect = () => inspect(rt);
  return outbox;
}
