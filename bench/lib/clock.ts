/**
 * Milliseconds on CLOCK_MONOTONIC (`process.hrtime`), which is the same clock
 * in every process of the machine: a timestamp taken by a sender in one
 * child and read by a receiver in another gives a true latency.
 */
export const now = (): number => Number(process.hrtime.bigint() / 1000n) / 1000;

/** Resolves after `ms` (used only to pace senders and polls, never to wait for an event). */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `everyMs` until it returns true or `timeoutMs` passes; resolves to whether it did. */
export async function pollUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<boolean> {
  const deadline = now() + timeoutMs;
  while (now() < deadline) {
    if (await check()) return true;
    await sleep(everyMs);
  }
  return check();
}
