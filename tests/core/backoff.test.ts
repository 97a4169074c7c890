import { describe, expect, it } from 'vitest';
import { computeBackoffDelay } from 'socketkit';

describe('computeBackoffDelay', () => {
  it('doubles from 1 s to 16 s by default (no jitter at random = 0.5)', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => computeBackoffDelay(n, {}, () => 0.5))).toEqual([1000, 2000, 4000, 8000, 16000, 16000]);
  });

  it('keeps jitter within [1 - jitter, 1 + jitter] of the base delay', () => {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const base = 1000 * 2 ** (attempt - 1);
      expect(computeBackoffDelay(attempt, {}, () => 0)).toBe(base * 0.8);
      expect(computeBackoffDelay(attempt, {}, () => 0.999999)).toBeLessThanOrEqual(base * 1.2);
      for (let i = 0; i < 50; i++) {
        const d = computeBackoffDelay(attempt);
        expect(d).toBeGreaterThanOrEqual(base * 0.8);
        expect(d).toBeLessThanOrEqual(base * 1.2);
      }
    }
  });

  it('honours initialDelayMs, maxDelayMs and jitter 0', () => {
    const opts = { initialDelayMs: 100, maxDelayMs: 500, jitter: 0 };
    expect([1, 2, 3, 4, 5].map((n) => computeBackoffDelay(n, opts, Math.random))).toEqual([100, 200, 400, 500, 500]);
  });
});
