import { useMemo, useSyncExternalStore } from './react.js';
import type { CoreStore } from 'socketkit';

/**
 * Reads a core store, or the part `select` picks (which must return a value of
 * the snapshot, not a new object). Internal: every public hook is this plus a
 * selection. The server renders (and hydration compares against) the store's
 * own `getServerSnapshot()`, its initial state, never live data.
 */
export function useStore<T>(store: CoreStore<T>): T;
export function useStore<T, R>(store: CoreStore<T>, select: (snapshot: T) => R): R;
export function useStore<T, R>(store: CoreStore<T>, select?: (snapshot: T) => R): T | R {
  // Core stores may be class instances: call through the object, never pass methods bare.
  const subscribe = useMemo(() => (listener: () => void) => store.subscribe(listener), [store]);
  const read = (snapshot: T) => (select ? select(snapshot) : snapshot);
  return useSyncExternalStore(subscribe, () => read(store.getSnapshot()), () => read(store.getServerSnapshot()));
}

/**
 * Functions calling `target`'s methods, safe to pass around (core objects may
 * rely on `this`). Memoize per target to keep their identity.
 */
export const bound = <T extends object, K extends keyof T>(target: T, keys: K[]): Pick<T, K> =>
  // `target[key](...)` is a method call: `this` is `target`.
  Object.fromEntries(keys.map((key) => [key, (...args: never[]) => (target[key] as (...a: never[]) => unknown)(...args)])) as Pick<T, K>;
