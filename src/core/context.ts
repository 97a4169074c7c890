import type { ConversationId, Message, RequestEvent, RequestPayload, RequestResult, ServerEventMap, UserId } from '../protocol/index.js';
import type { ConversationInspection, OutboxItemInspection, PresenceWatchInspection } from './inspect.js';
import type { ClientMessage, ConversationHandle, SendResult, Logger, PresenceApi, RealtimeClientOptions, RequestOptions } from './types.js';

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
  /**
   * For the next handshake: the watched ids (at most 1,000) the server subscribes at connect (protocol v1.1 `auth.presence`),
   * remembered as what that handshake named; none: undefined. Once connected, presence reads the answer itself
   * (`Connection.onEstablished`): what it covers counts as subscribed, every other watched id is subscribed.
   */
  handshakeWatches(): UserId[] | undefined;
  /** Disconnected: the server forgot our subscriptions; snapshots become stale. */
  reset(): void;
  /** The watched users (`inspectClient`); development builds only. */
  inspect?(): PresenceWatchInspection[];
}

/**
 * Hears that the pending messages of one conversation changed. `confirmed`:
 * the change is the ack of this message, whose pending twin is gone (the
 * listener shows the stored message in the same snapshot).
 */
export type OutboxListener = (confirmed?: Message) => void;

export interface Outbox {
  items(conversationId: ConversationId): ClientMessage[];
  /** Listen to the pending messages of `conversationId` (its conversation does). Returns the unsubscribe. */
  subscribe(conversationId: ConversationId, listener: OutboxListener): () => void;
  add(message: ClientMessage): SendResult;
  retry(clientMessageId: string): SendResult;
  discard(clientMessageId: string): void;
  /** Stored messages heard elsewhere (history, `message:new`): drop their pending twins, resolve their `send()`. Returns whether a twin went (its listeners heard it). */
  settle(messages: readonly Message[]): boolean;
  /** Hear every ack of this client's own `message:send` (the conversation list does: the sending socket gets no `message:new`). */
  onConfirmed(listener: (message: Message) => void): () => void;
  flush(): void;
  destroy(): void;
  /** Every item with its failed attempts (`inspectClient`); development builds only. */
  inspect?(): OutboxItemInspection[];
}

/** A conversation handle plus what the client drives it with. Internal. */
export interface ManagedConversation extends ConversationHandle {
  /** `message:new` for this conversation. */
  onMessage(message: Message): void;
  /** `user:typing` for this conversation. */
  onTyping(userId: UserId, isTyping: boolean): void;
  /** Connected again: rejoin and catch up. */
  resync(storeChanged?: boolean): Promise<void>;
  /** The link dropped: typing stops. */
  linkDown(): void;
  /** No join, no subscriber, no pending message. */
  isUnused(): boolean;
  destroy(): void;
  /** Joins and seq cursors (`inspectClient`); development builds only. */
  inspect?(): ConversationInspection;
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

/** `release` callable any number of times, run the first time only: a release called twice releases once. */
export function once(release: () => void): () => void {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    release();
  };
}

/** Marks `p` handled so an ignored rejection is not reported as unhandled; awaiting it still throws. */
export function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(noop);
  return promise;
}

/** The largest page any watcher asked for (undefined: the server's default). A loop: the watchers are not bounded. */
export function largestLimit(watchers: Iterable<{ limit?: number | undefined }>): number | undefined {
  let largest = 0;
  for (const watcher of watchers) largest = Math.max(largest, watcher.limit ?? 0);
  return largest || undefined;
}
