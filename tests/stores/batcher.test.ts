/**
 * The group-commit queue of the SQL stores (src/server/sql/batcher.ts):
 * requests of one turn go together, requests arriving while a batch is in
 * flight form the next one, batches are bounded, nothing waits for a timer,
 * and each request gets its own outcome.
 */
import { describe, expect, it } from 'vitest';
import { Batcher, type Outcome } from '../../src/server/sql/batcher.js';

/** A batch runner whose batches finish when the test says so. */
function gatedRunner() {
  const batches: string[][] = [];
  const gates: (() => void)[] = [];
  const run = (inputs: string[]): Promise<Outcome<string>[]> => {
    batches.push(inputs);
    return new Promise((resolve) =>
      gates.push(() => resolve(inputs.map((input) => (input.startsWith('bad') ? { ok: false, error: new Error(`refused ${input}`) } : { ok: true, value: input.toUpperCase() })))),
    );
  };
  // The batch settles, then the next one starts at the end of that turn (setImmediate): two turns.
  const release = async () => {
    gates.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { batches, run, release };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('Batcher (group commit)', () => {
  it('sends a lone request at the end of its turn, with no timer', async () => {
    const { batches, run, release } = gatedRunner();
    const batcher = new Batcher(run, { maxCount: 10, maxBytes: 1000 });
    const started = performance.now();
    const answer = batcher.submit('a');
    await turn();
    expect(batches).toEqual([['a']]);
    await release();
    expect(await answer).toBe('A');
    // No fixed delay: far below any timer a batch window would use.
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('puts the requests of one turn in one batch, and those arriving during a batch in the next', async () => {
    const { batches, run, release } = gatedRunner();
    const batcher = new Batcher(run, { maxCount: 10, maxBytes: 1000 });
    const first = ['a', 'b', 'c'].map((x) => batcher.submit(x));
    await turn();
    const second = ['d', 'e'].map((x) => batcher.submit(x));
    await turn();
    expect(batches).toEqual([['a', 'b', 'c']]);
    expect(batcher.waiting).toBe(2);
    await release();
    expect(batches).toEqual([['a', 'b', 'c'], ['d', 'e']]);
    expect(await Promise.all(first)).toEqual(['A', 'B', 'C']);
    await release();
    expect(await Promise.all(second)).toEqual(['D', 'E']);
  });

  it('bounds a batch by count and by bytes, oldest first, and sends an oversized request alone', async () => {
    const { batches, run, release } = gatedRunner();
    const batcher = new Batcher(run, { maxCount: 3, maxBytes: 10, sizeOf: (x: string) => x.length });
    const answers = ['a', 'b', 'c', 'd', 'eeeeeeee', 'ff', 'gggggggggggggggg', 'h'].map((x) => batcher.submit(x));
    await turn();
    for (let i = 0; i < 6; i++) await release();
    expect(batches).toEqual([['a', 'b', 'c'], ['d', 'eeeeeeee'], ['ff'], ['gggggggggggggggg'], ['h']]);
    expect(await Promise.all(answers)).toEqual(['A', 'B', 'C', 'D', 'EEEEEEEE', 'FF', 'GGGGGGGGGGGGGGGG', 'H']);
  });

  it('refuses one request alone on its own outcome, and the whole batch when the batch fails', async () => {
    const { run, release } = gatedRunner();
    const batcher = new Batcher(run, { maxCount: 10, maxBytes: 1000 });
    const mixed = await (async () => {
      const settled = Promise.allSettled(['a', 'bad-1', 'c'].map((x) => batcher.submit(x)));
      await turn();
      await release();
      return settled;
    })();
    expect(mixed.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);

    const failing = new Batcher<string, string>(() => Promise.reject(new Error('connection lost')), { maxCount: 10, maxBytes: 1000 });
    const all = await Promise.allSettled(['x', 'y'].map((x) => failing.submit(x)));
    expect(all.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['Error: connection lost', 'Error: connection lost']);
    // The queue goes on after a failed batch.
    const after = new Batcher<string, string>(async (inputs) => inputs.map((x) => ({ ok: true, value: x })), { maxCount: 10, maxBytes: 1000 });
    expect(await after.submit('z')).toBe('z');
  });

  it('runs up to maxInFlight batches at once when asked (reads), one by default', async () => {
    const { batches, run, release } = gatedRunner();
    const batcher = new Batcher(run, { maxCount: 2, maxBytes: 1000, maxInFlight: 2 });
    const answers = ['a', 'b', 'c', 'd', 'e'].map((x) => batcher.submit(x));
    await turn();
    expect(batches).toEqual([['a', 'b'], ['c', 'd']]);
    await release();
    expect(batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    await release();
    await release();
    expect(await Promise.all(answers)).toEqual(['A', 'B', 'C', 'D', 'E']);
  });

  it('refuses a maxCount below 1', () => {
    expect(() => new Batcher(async () => [], { maxCount: 0, maxBytes: 1 })).toThrow(/maxCount/);
  });
});
