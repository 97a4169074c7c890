import { useEffect, useState } from 'react';

/**
 * The current time, refreshed every `intervalMs` while `active`. Renders on
 * the server with the render-time clock and starts ticking after mount.
 *
 * @example
 * const now = useNow(60_000);
 */
export function useNow(intervalMs: number, active = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, active]);
  return now;
}
