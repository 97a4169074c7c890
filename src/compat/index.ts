/**
 * `socketkit/compat`: the seed design's client API (`chatClient.connect(token)`,
 * `on`/`off`, `joinConversation`, `sendMessage({ conversationId, content })`, …)
 * as a thin facade over the core client, for teams migrating from the seed.
 * New code should use `createRealtimeClient` (or `socketkit/react`) directly;
 * docs/migrating.md maps every name.
 *
 * @example
 * import { chatClient } from 'socketkit/compat';
 * chatClient.connect(token);
 * chatClient.on('message:new', (message) => render(message));
 * await chatClient.joinConversation(42);
 * await chatClient.sendMessage({ conversationId: 42, content: 'Hello!' });
 */
import { createRealtimeClient, RealtimeError } from 'socketkit';
import type { ClientMessage, ConversationJoin, RealtimeClient, RealtimeClientOptions, ServerEventMap } from 'socketkit';

/** Options of `new ChatClient()`: the core client's, without the token (given to `connect(token)`). */
export interface ChatClientOptions extends Omit<RealtimeClientOptions, 'url' | 'token' | 'getToken' | 'autoConnect'> {
  /**
   * Server URL. Default: the page's origin in a browser (the seed's Vite proxy
   * forwards `/socket.io` to the server), else `http://localhost:3001`.
   */
  url?: string | undefined;
}

/** What the seed's `sendMessage` took. Ids may be numbers, as in the seed; socketkit uses their string form. */
export interface SendMessageInput {
  conversationId: string | number;
  content: string;
}

type Listener = (payload: unknown) => void;

/** A pending `joinConversation`: settled once, then it stops watching. */
interface JoinWaiter {
  id: string;
  /** Stops watching the connection (null until watched on a connection). */
  stopWatching: (() => void) | null;
  settle(error?: RealtimeError): void;
}

function defaultUrl(): string {
  const origin = (globalThis as { location?: { origin?: string } }).location?.origin;
  return origin && origin !== 'null' ? origin : 'http://localhost:3001';
}

function idOf(method: string, value: unknown): string {
  if ((typeof value === 'string' && value.length > 0) || (typeof value === 'number' && Number.isFinite(value))) return String(value);
  throw new TypeError(`[socketkit/compat] ${method}: conversationId must be a string or number, got ${value === null ? 'null' : typeof value}`);
}

/**
 * The seed's `ChatClient`. Listeners and joined conversations survive
 * `disconnect()` and a new `connect(token)`: each connect creates a fresh
 * core client (`client`) with that token and re-attaches them.
 */
export class ChatClient {
  private readonly options: ChatClientOptions;
  private core: RealtimeClient | null = null;
  private token: string | null = null;
  /** Each listener and its subscription on the current core client (null while not connected). */
  private readonly listeners = new Map<string, Map<Listener, (() => void) | null>>();
  /** Joined conversations and their core join (the release and its `joined` promise; null while not connected). */
  private readonly joined = new Map<string, ConversationJoin | null>();
  /** Pending `joinConversation` promises. */
  private readonly joinWaiters = new Set<JoinWaiter>();

  constructor(options: ChatClientOptions = {}) {
    this.options = options;
  }

  /** The underlying core client while connected (null before `connect` and after `disconnect`). */
  get client(): RealtimeClient | null {
    return this.core;
  }

  /** Whether the socket is connected now. */
  get isConnected(): boolean {
    return this.core?.connection.getSnapshot().status === 'connected';
  }

  /**
   * Connects with this token (a new token replaces the connection). Reconnection,
   * the offline queue and re-joining are the core client's.
   *
   * @throws TypeError when `token` is not a non-empty string.
   */
  connect(token: string): void {
    if (typeof token !== 'string' || token.length === 0) {
      throw new TypeError('[socketkit/compat] chatClient.connect(token) needs the JWT as a non-empty string.');
    }
    if (this.core && this.token === token) return;
    this.teardown();
    this.token = token;
    const { url = defaultUrl(), ...rest } = this.options;
    const core = createRealtimeClient({ ...rest, url, token });
    this.core = core;
    // One core subscription per listener: the core isolates a throwing listener from the rest.
    for (const [event, forEvent] of this.listeners) for (const listener of forEvent.keys()) forEvent.set(listener, core.on(event, listener));
    for (const id of this.joined.keys()) this.joined.set(id, core.conversation(id).join());
    // Joins asked for before `connect` settle on this connection.
    for (const waiter of this.joinWaiters) this.watchJoin(core, waiter);
  }

  /** Closes the connection. Listeners and joined conversations are kept for the next `connect`. */
  disconnect(): void {
    this.teardown();
    this.token = null;
  }

  /** Subscribes to a server event (`message:new`, `user:online`, `notification:new`, …); protocol events are typed. */
  on<E extends keyof ServerEventMap>(event: E, listener: (payload: ServerEventMap[E]) => void): void;
  on(event: string, listener: (payload: unknown) => void): void;
  on(event: string, listener: Listener): void {
    let forEvent = this.listeners.get(event);
    if (!forEvent) this.listeners.set(event, (forEvent = new Map()));
    if (forEvent.has(listener)) return;
    forEvent.set(listener, this.core ? this.core.on(event, listener) : null);
  }

  /** Removes a listener given to `on`. */
  off<E extends keyof ServerEventMap>(event: E, listener: (payload: ServerEventMap[E]) => void): void;
  off(event: string, listener: (payload: unknown) => void): void;
  off(event: string, listener: Listener): void {
    const forEvent = this.listeners.get(event);
    forEvent?.get(listener)?.();
    forEvent?.delete(listener);
  }

  /**
   * Joins a conversation's room (kept across reconnects and new connects).
   * Resolves once joined. Rejects with a `RealtimeError`: the server's code
   * (`NOT_FOUND`, `FORBIDDEN`, …; the conversation is then not kept), or
   * `DISCONNECTED` when `leaveConversation`, `disconnect()` or a new
   * `connect(token)` comes first, or the connection ends `failed`.
   * Before `connect`, it joins on connect and settles then.
   *
   * @throws TypeError when `conversationId` is neither a non-empty string nor a finite number.
   */
  joinConversation(conversationId: string | number): Promise<void> {
    const id = idOf('joinConversation', conversationId);
    if (!this.joined.has(id)) this.joined.set(id, this.core ? this.core.conversation(id).join() : null);
    return new Promise((resolve, reject) => {
      const waiter: JoinWaiter = {
        id,
        stopWatching: null,
        settle: (error) => {
          if (!this.joinWaiters.delete(waiter)) return;
          waiter.stopWatching?.();
          if (error === undefined) resolve();
          else reject(error);
        },
      };
      this.joinWaiters.add(waiter);
      if (this.core) this.watchJoin(this.core, waiter);
    });
  }

  /** Leaves a conversation's room; a `joinConversation` still pending for it rejects with `DISCONNECTED`. */
  leaveConversation(conversationId: string | number): void {
    const id = idOf('leaveConversation', conversationId);
    this.settleJoins(id, new RealtimeError('DISCONNECTED', 'leaveConversation before the join completed'));
    this.joined.get(id)?.();
    this.joined.delete(id);
  }

  /**
   * Sends a message (queued while offline). Resolves with the stored message;
   * rejects with a `RealtimeError` (`NOT_FOUND`, `FORBIDDEN`, `BAD_REQUEST`,
   * `PAYLOAD_TOO_LARGE`, …).
   *
   * @throws TypeError (as a rejection) when not connected: call `connect(token)` first.
   */
  sendMessage({ conversationId, content }: SendMessageInput): Promise<ClientMessage> {
    const id = idOf('sendMessage', conversationId);
    if (!this.core) return Promise.reject(new TypeError('[socketkit/compat] sendMessage before connect(token).'));
    return this.core.conversation(id).send(content);
  }

  /**
   * Settles the pending joins of `id` as the core's join settles (joined, or
   * refused), or when the connection failed, which the core's join waits through.
   */
  private watchJoin(core: RealtimeClient, waiter: JoinWaiter): void {
    const join = this.joined.get(waiter.id);
    join?.joined.then(
      () => this.settleJoins(waiter.id),
      (error: RealtimeError) => {
        // Released (leave, disconnect, a new connect) or destroyed: whoever did it settled the waiters.
        if (this.joined.get(waiter.id) !== join || error.code === 'DISCONNECTED' || error.code === 'DESTROYED') return;
        this.settleJoins(waiter.id, error);
        // Refused: not kept, so it is not re-joined on the next connect.
        join?.();
        this.joined.delete(waiter.id);
      },
    );
    const checkFailed = () => {
      if (core.connection.getSnapshot().status === 'failed') waiter.settle(new RealtimeError('DISCONNECTED', 'The connection failed before the join completed'));
    };
    waiter.stopWatching = core.connection.subscribe(checkFailed);
    checkFailed();
  }

  /** Settles every pending `joinConversation` of `id`: resolved without `error`, else rejected with it. */
  private settleJoins(id: string, error?: RealtimeError): void {
    for (const waiter of [...this.joinWaiters]) if (waiter.id === id) waiter.settle(error);
  }

  private teardown(): void {
    if (this.core) {
      for (const waiter of [...this.joinWaiters]) waiter.settle(new RealtimeError('DISCONNECTED', 'disconnect() or a new connect(token) before the join completed'));
    }
    for (const forEvent of this.listeners.values()) {
      for (const [listener, unsubscribe] of forEvent) {
        unsubscribe?.();
        forEvent.set(listener, null);
      }
    }
    for (const [id, release] of this.joined) {
      release?.();
      this.joined.set(id, null);
    }
    this.core?.destroy();
    this.core = null;
  }
}

/** The seed's application-wide instance. */
export const chatClient = new ChatClient();
