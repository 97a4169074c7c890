/**
 * A small fake of the socket.io-client `Socket` for unit tests where time is
 * the subject (fake timers). The test plays the server: accept, refuse, drop, ack.
 */
import { createRealtimeClient, type RealtimeClientOptions, type SocketLike } from 'socketkit';

type Handler = (...args: never[]) => void;
type AckFn = (ack: unknown) => void;

export interface SentPacket {
  event: string;
  payload: unknown;
  ack?: AckFn;
}

export class FakeSocket implements SocketLike {
  auth: unknown = {};
  connected = false;
  /** `auth` of every `connect()` call. */
  attempts: unknown[] = [];
  sent: SentPacket[] = [];
  readonly handlers = new Map<string, Set<Handler>>();
  readonly anyHandlers = new Set<(event: string, ...args: unknown[]) => void>();
  onAnyCalls = 0;

  constructor(readonly options: Record<string, unknown> = {}) {}

  connect() {
    this.attempts.push(this.auth);
  }
  disconnect() {
    if (!this.connected) return;
    this.connected = false;
    this.fire('disconnect', 'io client disconnect');
  }
  emit(event: string, ...args: unknown[]) {
    const ack = typeof args[1] === 'function' ? (args[1] as AckFn) : undefined;
    this.sent.push({ event, payload: args[0], ack });
  }
  on(event: string, listener: Handler) {
    const set = this.handlers.get(event) ?? this.handlers.set(event, new Set()).get(event)!;
    set.add(listener);
  }
  onAny(listener: (event: string, ...args: unknown[]) => void) {
    this.onAnyCalls++;
    this.anyHandlers.add(listener);
  }
  offAny() {
    this.anyHandlers.clear();
  }
  removeAllListeners() {
    this.handlers.clear();
  }

  get listenerCount(): number {
    let n = this.anyHandlers.size;
    this.handlers.forEach((s) => (n += s.size));
    return n;
  }

  private fire(event: string, ...args: unknown[]) {
    this.handlers.get(event)?.forEach((h) => (h as (...a: unknown[]) => void)(...args));
  }

  // --- the test plays the server -------------------------------------------------

  /** Accept the pending handshake as `userId`. */
  /** Accept the pending handshake; `established` adds fields to `connection:established` (e.g. v1.1 `presence`). */
  accept(userId = 'alice', established: Record<string, unknown> = {}) {
    this.connected = true;
    this.fire('connect');
    this.serverEmit('connection:established', { userId, socketId: 's1', serverTime: new Date().toISOString(), ...established });
  }
  /** Refuse the pending handshake (auth `code`, or a network error without one). */
  refuse(code?: string) {
    const error = Object.assign(new Error(code ? `Authentication error: ${code}` : 'websocket error'), code ? { data: { code } } : {});
    this.fire('connect_error', error);
  }
  /** The link goes down. */
  drop(reason = 'transport close') {
    this.connected = false;
    this.fire('disconnect', reason);
  }
  serverEmit(event: string, payload: unknown) {
    this.anyHandlers.forEach((h) => h(event, payload));
  }
  /** Packets sent for `event`. */
  of(event: string): SentPacket[] {
    return this.sent.filter((p) => p.event === event);
  }
  /** Answer the oldest unanswered request for `event`. */
  reply(event: string, ack: unknown) {
    const packet = this.sent.find((p) => p.event === event && p.ack);
    if (!packet) throw new Error(`no pending "${event}" request`);
    const fn = packet.ack!;
    packet.ack = undefined;
    fn(ack);
  }
}

/** A client over a fake socket, with no jitter and no autoConnect unless asked. */
export function fakeClient(options: Partial<RealtimeClientOptions> = {}) {
  let socket!: FakeSocket;
  const client = createRealtimeClient({
    url: 'http://fake',
    token: 't0',
    autoConnect: false,
    random: () => 0.5,
    logger: { warn: () => {}, error: () => {} },
    createSocket: (_url, opts) => (socket = new FakeSocket(opts)),
    ...options,
  });
  return { client, socket };
}

/** Let pending promise callbacks (getToken, acks) run. */
export const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};
