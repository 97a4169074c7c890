import type { CoreStore } from './types.js';

/** A readable store that its owner can also write. */
export interface Store<T extends object> extends CoreStore<T> {
  /** Merge `patch`; notifies (and makes a new snapshot) only when a field really changed. */
  set(patch: Partial<T>): void;
}

let depth = 0;
const queued = new Set<() => void>();

/**
 * Run `fn`, holding back store notifications until it returns, so that many
 * changes caused by one socket event reach listeners as one notification.
 */
export function batch<T>(fn: () => T): T {
  depth++;
  try {
    return fn();
  } finally {
    depth--;
    if (depth === 0) {
      // A notified listener may batch again; it starts a fresh round.
      const run = [...queued];
      queued.clear();
      run.forEach((notify) => notify());
    }
  }
}

/** Call `notify` now, or once at the end of the current `batch`. */
export function schedule(notify: () => void): void {
  if (depth > 0) queued.add(notify);
  else notify();
}

/** A set of listeners with one stable `notify` (so batching can deduplicate it). */
export interface Listeners {
  readonly set: ReadonlySet<() => void>;
  subscribe(listener: () => void): () => void;
  notify(): void;
}

export function createListeners(): Listeners {
  const set = new Set<() => void>();
  return {
    set,
    subscribe(listener: () => void) {
      set.add(listener);
      return () => void set.delete(listener);
    },
    notify: () => set.forEach((listener) => listener()),
  };
}

/**
 * The store primitive every snapshot of socketkit is made of: a plain object
 * replaced (never mutated) on change, so `===` tells a framework whether to re-render.
 *
 * @example
 * const store = createStore({ count: 0 });
 * store.subscribe(() => console.log(store.getSnapshot().count));
 * store.set({ count: 1 }); // logs 1; set({ count: 1 }) again logs nothing
 */
export function createStore<T extends object>(initial: T): Store<T> {
  let state = initial;
  const listeners = createListeners();
  return {
    getSnapshot: () => state,
    getServerSnapshot: () => initial,
    subscribe: listeners.subscribe,
    set(patch) {
      for (const key in patch) {
        if (patch[key] !== state[key]) {
          state = { ...state, ...patch };
          schedule(listeners.notify);
          return;
        }
      }
    },
  };
}
