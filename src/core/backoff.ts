import type { ReconnectionOptions } from './types.js';

/**
 * Delay before reconnection attempt `attempt` (1-based): `initialDelayMs * 2^(attempt-1)`,
 * capped at `maxDelayMs`, times a random factor in `[1 - jitter, 1 + jitter]`.
 * Pure: pass `random` to make it deterministic. Defaults give 1 s, 2 s, 4 s, 8 s, 16 s (±20 %).
 */
export function computeBackoffDelay(attempt: number, options: ReconnectionOptions = {}, random: () => number = Math.random): number {
  const { initialDelayMs = 1000, maxDelayMs = 16000, jitter = 0.2 } = options;
  return Math.round(Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1)) * (1 + jitter * (2 * random() - 1)));
}
