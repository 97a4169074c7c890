import { batch } from './store.js';
import type { Logger } from './types.js';

/** Reports a listener that threw; the other listeners still run. */
export type ListenerErrorReporter = (error: unknown, event: string) => void;

/**
 * Named events with any number of listeners each. `emit` runs the listeners
 * in one `batch` (one store notification per event) and isolates them: a
 * listener that throws is reported and the others still run. Internal.
 */
export interface EventBus<Payloads extends object> {
  /** Add `listener` for `event`. Returns the removal. */
  on<E extends keyof Payloads & string>(event: E, listener: (payload: Payloads[E]) => void): () => void;
  emit<E extends keyof Payloads & string>(event: E, payload: Payloads[E]): void;
  clear(): void;
}

export function createEventBus<Payloads extends object>(report: ListenerErrorReporter): EventBus<Payloads> {
  const listeners = new Map<string, Set<(payload: never) => void>>();
  return {
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        // Keyed by ids (the outbox's conversations), the map must not keep an entry per id ever heard.
        if (set.size === 0 && listeners.get(event) === set) listeners.delete(event);
      };
    },
    emit(event, payload) {
      const set = listeners.get(event);
      if (!set) return;
      batch(() => {
        for (const listener of [...set]) {
          try {
            (listener as (payload: unknown) => void)(payload);
          } catch (error) {
            report(error, event);
          }
        }
      });
    },
    clear: () => listeners.clear(),
  };
}

/** The reporter of a client: logs, then calls `onError`, which itself must not break anything. */
export function createErrorReporter(log: Logger, onError: ((error: unknown, context: { event?: string }) => void) | undefined): ListenerErrorReporter {
  return (error, event) => {
    log.error('[socketkit]', event, error);
    try {
      onError?.(error, { event });
    } catch {
      // the error hook itself must not break dispatch
    }
  };
}
