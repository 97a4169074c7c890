/** Small statistics helpers for the bench tables. */

/** The p-th percentile (0–100) of `values`, nearest-rank; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Median of `values` (mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Mean of `values`; NaN when empty. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * Largest of `values`; `-Infinity` when empty. A loop, not a spread of `values` into Math.max:
 * a spread passes every element as an argument and overflows the call stack
 * past ≈ 100,000 of them.
 */
export function max(values: readonly number[]): number {
  let result = Number.NEGATIVE_INFINITY;
  for (const value of values) if (value > result || Number.isNaN(value)) result = value;
  return result;
}

/** Smallest of `values`; `Infinity` when empty (a loop, as {@link max}). */
export function min(values: readonly number[]): number {
  let result = Number.POSITIVE_INFINITY;
  for (const value of values) if (value < result || Number.isNaN(value)) result = value;
  return result;
}

/** Rounds to `digits` decimals, keeping NaN. */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
