import { useCallback, useSyncExternalStore } from './react.js';
import type { ReadableStore } from 'socketkit';

/**
 * Reads a core store. Internal: every public hook is this plus a selection.
 * `getServerSnapshot` must return the same object on every call; it is what
 * the server renders and what hydration compares against, so it is the
 * store's initial state, never live data.
 */
export function useStore<T>(store: ReadableStore<T>, getServerSnapshot: () => T): T {
  // Core stores may be class instances: call through the object, never pass methods bare.
  const subscribe = useCallback((listener: () => void) => store.subscribe(listener), [store]);
  return useSyncExternalStore(subscribe, () => store.getSnapshot(), getServerSnapshot);
}

/**
 * Functions calling `target`'s methods, safe to pass around (core objects may
 * rely on `this`). Memoize per target to keep their identity.
 */
export function bound<T extends object, K extends keyof T>(target: T, keys: K[]): Pick<T, K> {
  return Object.fromEntries(
    keys.map((key) => [key, (...args: unknown[]) => (target[key] as (...a: unknown[]) => unknown).apply(target, args)]),
  ) as Pick<T, K>;
}
