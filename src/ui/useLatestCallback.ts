import { useCallback, useInsertionEffect, useRef } from 'react';

/**
 * A stable function that always calls the latest `callback`: for handlers
 * passed to memoized children or to long-lived subscriptions, so they neither
 * re-render nor re-subscribe when the parent passes a new function. The ref is
 * updated in an insertion effect, before any layout effect or event handler
 * can call it (the same pattern as React's `useEffectEvent`). Do not call the
 * result during render.
 *
 * @example
 * const onDismiss = useLatestCallback((id: string) => dismiss(id));
 */
export function useLatestCallback<Args extends unknown[], Result>(
  callback: ((...args: Args) => Result) | undefined,
): (...args: Args) => Result | undefined {
  const latest = useRef(callback);
  useInsertionEffect(() => {
    latest.current = callback;
  });
  return useCallback((...args: Args) => latest.current?.(...args), []);
}
