import { readFileSync } from 'node:fs';
import type { SeedData } from 'socketkit/server/internal';
import { defaultSeed } from './seed-data.js';

export { defaultSeed } from './seed-data.js';

/** Checks the shape of a seed read from JSON, so a bad file fails with a clear message. */
export function assertSeedData(value: unknown, source: string): asserts value is SeedData {
  const v = value as Partial<SeedData> | null;
  const ok =
    typeof v === 'object' &&
    v !== null &&
    Array.isArray(v.users) &&
    Array.isArray(v.conversations) &&
    v.users.every((u) => typeof u?.id === 'string' && typeof u?.name === 'string') &&
    v.conversations.every((c) => typeof c?.id === 'string' && Array.isArray(c?.participantIds));
  if (!ok) {
    throw new Error(`${source}: a seed is { users: [{ id, name }], conversations: [{ id, participantIds, messages? }] }`);
  }
}

/** `'default'`, `'none'`, a seed object, or the path of a JSON file. */
export type SeedOption = 'default' | 'none' | SeedData | string;

/** Resolves the `seed` option to data (undefined for `none`). */
export function loadSeed(option: SeedOption = 'default'): SeedData | undefined {
  if (option === 'default') return defaultSeed();
  if (option === 'none') return undefined;
  if (typeof option === 'string') {
    const data: unknown = JSON.parse(readFileSync(option, 'utf8'));
    assertSeedData(data, option);
    return data;
  }
  return option;
}
