/**
 * Bounded concurrency per key: `run(key, task)` starts `task` at once while
 * fewer than `limit` tasks of that key run, else when one of them settles,
 * in call order. Keys with nothing running or waiting cost nothing.
 *
 * @example
 * const run = limitPerKey(2);
 * await run(conversationId, () => store.appendMessage(input));
 */
export function limitPerKey(limit: number): <T>(key: string, task: () => Promise<T>) => Promise<T> {
  const slots = new Map<string, { running: number; waiting: (() => void)[] }>();
  return async (key, task) => {
    let slot = slots.get(key);
    if (!slot) slots.set(key, (slot = { running: 0, waiting: [] }));
    // A finished task hands its place to the next waiter directly, so a newcomer cannot slip in between.
    if (slot.running < limit) slot.running += 1;
    else await new Promise<void>((resolve) => slot.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = slot.waiting.shift();
      if (next) next();
      else if (--slot.running === 0) slots.delete(key);
    }
  };
}
