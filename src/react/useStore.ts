import { useMemo, useSyncExternalStore } from './react.js';
import type { ReadableStore } from 'socketkit';

/**
 * Reads a core store, or the part `select` picks (which must return a value of
 * the snapshot, not a new object). Internal: every public hook is this plus a
 * selection. `serverSnapshot` must be one constant object; it is what the
 * server renders and what hydration compares against, so it is the store's
 * initial state, never live data.
 */
export function useStore<T, R = T>(store: ReadableStore<T>, serverSnapshot: T, select = (snapshot: T) => snapshot as unknown as R): R {
  // Core stores may be class instances: call through the object, never pass methods bare.
  const subscribe = useMemo(() => (listener: () => void) => store.subscribe(listener), [store]);
  return useSyncExternalStore(subscribe, () => select(store.getSnapshot()), () => select(serverSnapshot));
}

/**
 * Functions calling `target`'s methods, safe to pass around (core objects may
 * rely on `this`). Memoize per target to keep their identity.
 */
export const bound = <T extends object, K extends keyof T>(target: T, keys: K[]): Pick<T, K> =>
  // `target[key](...)` is a method call: `this` is `target`.
  Object.fromEntries(keys.map((key) => [key, (...args: never[]) => (target[key] as (...a: never[]) => unknown)(...args)])) as Pick<T, K>;
