import type { EventEmitter } from 'node:events';
import type { Socket as ClientSocket } from 'socket.io-client';

/**
 * Waiting helpers for tests: wait on conditions and events, never on fixed sleeps.
 */

/** Anything with `once`/`off`: a socket.io-client `Socket`, a Node `EventEmitter`. */
export type EventSource = Pick<ClientSocket, 'once' | 'off'> | Pick<EventEmitter, 'once' | 'off'>;
/** Loose view used internally: typed sockets take typed listeners. */
interface LooseSource {
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
}
/** A socket that can emit with an ack callback (socket.io-client `Socket`). */
export type AckEmitter = Pick<ClientSocket, 'timeout'>;

/** Polls `predicate` (sync or async) until it returns a truthy value; resolves with that value. */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  { timeoutMs = 2000, intervalMs = 5, message }: { timeoutMs?: number; intervalMs?: number; message?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`waitFor timed out after ${timeoutMs} ms${message ? ` (${message})` : ''}${reason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Resolves with the first payload of `event` on `socket`; rejects after `timeoutMs`. */
export function once<T = unknown>(socket: EventSource, event: string, timeoutMs = 2000): Promise<T> {
  const source = socket as LooseSource;
  return new Promise<T>((resolve, reject) => {
    const listener = (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args[0] as T);
    };
    const timer = setTimeout(() => {
      source.off(event, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for "${event}"`));
    }, timeoutMs);
    source.once(event, listener);
  });
}

/**
 * Resolves with `client` once `connection:established` arrives: the server
 * has joined the user room and counted the user online (it follows
 * `connect`). Rejects with the `connect_error`, or after `timeoutMs` with an
 * error naming `label`.
 */
export function whenEstablished(client: ClientSocket, timeoutMs: number, label: string): Promise<ClientSocket> {
  return new Promise<ClientSocket>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} timed out`)), timeoutMs);
    client.once('connection:established', () => {
      clearTimeout(timer);
      resolve(client);
    });
    client.once('connect_error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Emits with an ack callback and resolves with the ack value; rejects after `timeoutMs`. */
export function emitAck<T = unknown>(socket: AckEmitter, event: string, payload?: unknown, timeoutMs = 2000): Promise<T> {
  const emitter = socket.timeout(timeoutMs) as unknown as { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
  const promise = payload === undefined ? emitter.emitWithAck(event) : emitter.emitWithAck(event, payload);
  return promise as Promise<T>;
}

/**
 * Collects every payload of `event` on `socket` into an array, for asserting
 * that something did (or did not) arrive. Returns the array and a stop function.
 */
export function collect<T = unknown>(socket: Pick<ClientSocket, 'on' | 'off'>, event: string): { events: T[]; stop(): void } {
  const source = socket as unknown as {
    on(event: string, listener: (payload: T) => void): unknown;
    off(event: string, listener: (payload: T) => void): unknown;
  };
  const events: T[] = [];
  const listener = (payload: T) => {
    events.push(payload);
  };
  source.on(event, listener);
  return { events, stop: () => void source.off(event, listener) };
}
