import type { Ack, ConversationId, Message, PresenceSubscribeResult, RequestEvent, RequestPayload, RequestResult, ServerEventMap, UserId } from '../protocol/index.js';
import { RealtimeError } from './errors.js';
import type { ClientMessage, ConversationHandle, Logger, PresenceApi, RealtimeClientOptions, RealtimeErrorCode, RequestOptions } from './types.js';

/** What every part of one client (presence, outbox, conversations) uses. Internal. */
export interface Context {
  options: RealtimeClientOptions;
  now: () => number;
  log: Logger;
  connected(): boolean;
  userId(): UserId | null;
  /** The request table's `request`, typed by the protocol; managed events allowed. */
  request: RequestFn;
  /** Sends now when connected, drops otherwise (typing: stale later). Unlike `client.emit`, never queues. */
  emitIfConnected(event: string, payload: unknown): void;
  on<E extends keyof ServerEventMap>(event: E, listener: (payload: ServerEventMap[E]) => void): () => void;
  /** Report an error of a step that must not stop the others (logger + `onError`). */
  report(error: unknown, step: string): void;
}

/** `request` typed by the protocol's `RequestMap`. */
export type RequestFn = <E extends RequestEvent>(event: E, payload: RequestPayload<E>, options?: RequestOptions) => Promise<RequestResult<E>>;

/** What a conversation uses beyond the context. */
export interface ConversationContext extends Context {
  presence: Presence;
  outbox: Outbox;
  /** The handle may be unused now (no join, no subscriber, no pending message): the registry may release it. */
  maybeUnused(conversationId: ConversationId): void;
  /** Joined: make sure the registry routes events to this handle. */
  adopt(conversation: ManagedConversation): void;
}

export interface Presence extends PresenceApi {
  /** For the next handshake: the watched ids (at most 1,000) the server subscribes at connect (protocol v1.1 `auth.presence`), remembered as what that handshake named for `resync`; none: undefined. */
  handshakeWatches(): UserId[] | undefined;
  /**
   * Connected: what the handshake's answer covers counts as subscribed (its
   * snapshot applied); every other watched id is subscribed, ids unwatched
   * since are unsubscribed, snapshots are fresh again.
   */
  resync(handshakePresence: Ack<PresenceSubscribeResult> | undefined): void;
  /** Disconnected: the server forgot our subscriptions; snapshots become stale. */
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

/** What the outbox tells its owner. */
export interface OutboxEvents {
  /** The pending messages of `conversationId` changed. */
  changed(conversationId: ConversationId): void;
  /** The server stored a message this client sent. */
  confirmed(message: Message): void;
}

/** A conversation handle plus what the client drives it with. Internal. */
export interface ManagedConversation extends ConversationHandle {
  /** Confirmed messages, from history, an ack or `message:new`. */
  receive(messages: readonly Message[]): void;
  /** `message:new` for this conversation. */
  onMessage(message: Message): void;
  /** `user:typing` for this conversation. */
  onTyping(userId: UserId, isTyping: boolean): void;
  /** Connected again: rejoin and catch up. */
  resync(storeChanged?: boolean): Promise<void>;
  /** Redraw the pending messages. */
  render(): void;
  /** The link dropped: typing stops. */
  linkDown(): void;
  /** No join, no subscriber, no pending message. */
  isUnused(): boolean;
  destroy(): void;
}

export const noop = (): void => {};

/**
 * `task` run one at a time: a call while it runs asks for one more run after
 * it; every caller gets the promise of the whole round.
 */
export function serial(task: () => Promise<unknown>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let runAgain = false;
  async function loop(): Promise<void> {
    try {
      do {
        runAgain = false;
        await task();
      } while (runAgain);
    } finally {
      // In the same step as the last `runAgain` check: a call between the loop's end and a later
      // `.finally()` callback would find `running` set, ask for another pass and never get it.
      running = null;
    }
  }
  return () => {
    if (running) {
      runAgain = true;
      return running;
    }
    running = loop();
    return running;
  };
}

/** Marks `p` handled so an ignored rejection is not reported as unhandled; awaiting it still throws. */
export function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(noop);
  return promise;
}

/** A handled promise rejected with `RealtimeError(code, message)`. */
export const rejected = (code: RealtimeErrorCode, message?: string): Promise<never> => handled(Promise.reject(new RealtimeError(code, message)));
