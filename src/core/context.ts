import type { ConversationId, Message, ServerEventMap, UserId } from '../protocol/index.js';
import { RealtimeError } from './errors.js';
import type { ClientMessage, ConversationHandle, Logger, PresenceApi, RealtimeClient, RealtimeClientOptions, RealtimeErrorCode } from './types.js';

/** What the parts of one client (presence, conversations, outbox) share. Internal. */
export interface Context {
  opts: RealtimeClientOptions;
  now: () => number;
  log: Logger;
  connected(): boolean;
  userId(): UserId | null;
  request: RealtimeClient['request'];
  /** Sends now when connected, drops otherwise (typing: stale later). */
  emit(event: string, payload: unknown): void;
  on<E extends keyof ServerEventMap>(event: E, listener: (payload: ServerEventMap[E]) => void): () => void;
  presence: Presence;
  outbox: Outbox;
  /** The conversation's pending messages changed. */
  touch(conversationId: ConversationId): void;
  /** A confirmed message from an ack. */
  receive(message: Message): void;
}

export interface Presence extends PresenceApi {
  resync(): void;
  reset(): void;
}

export interface Outbox {
  items(conversationId: ConversationId): ClientMessage[];
  add(message: ClientMessage): Promise<ClientMessage>;
  retry(clientMessageId: string): Promise<ClientMessage>;
  discard(clientMessageId: string): void;
  /** A confirmed message: drop its pending twin and resolve its `send()`. */
  settle(message: ClientMessage): void;
  flush(): void;
  destroy(): void;
}

export interface Conversation extends ConversationHandle {
  receive(messages: readonly Message[]): void;
  resync(): Promise<void>;
  touch(): void;
  down(): void;
  destroy(): void;
}

export const noop = (): void => {};

/**
 * `task` run one at a time: a call while it runs asks for one more run after
 * it; every caller gets the promise of the whole round.
 */
export function serial(task: () => Promise<unknown>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  return () =>
    running
      ? ((again = true), running)
      : (running = (async () => {
          do {
            again = false;
            await task();
          } while (again);
        })().finally(() => (running = null)));
}

/** Marks `p` handled so an ignored rejection is not reported as unhandled; awaiting it still throws. */
export const handled = <T>(p: Promise<T>): Promise<T> => (p.catch(noop), p);

/** A handled promise rejected with `RealtimeError(code, message)`. */
export const rejected = (code: RealtimeErrorCode, message?: string): Promise<never> => handled(Promise.reject(new RealtimeError(code, message)));
