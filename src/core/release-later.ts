/**
 * Run `release` after the current task, unless React (or you) re-acquired
 * first: the StrictMode-safe deferred leave, in one place. StrictMode's
 * unmount → mount, and a component moving in the tree, run the effect's
 * cleanup and the new effect in the same task, so a join released this way is
 * re-joined (reference-counted) before the release runs and the server sees
 * no leave + join. One clock for every caller: a macrotask (`setTimeout` 0).
 *
 * @example
 * useEffect(() => {
 *   const release = handle.join();
 *   return () => releaseLater(release);
 * }, [handle]);
 */
export function releaseLater(release: () => void): void {
  setTimeout(release, 0);
}
