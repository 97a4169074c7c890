import { readFileSync } from 'node:fs';
import type { SeedData } from 'socketkit/server';

/**
 * The default seed: six named users and five conversations, enough for a UI
 * to show something real (see docs/architecture.md).
 */
export function defaultSeed(): SeedData {
  return {
    users: [
      { id: 'alice', name: 'Alice Martin', email: 'alice@example.com' },
      { id: 'bob', name: 'Bob Chen', email: 'bob@example.com' },
      { id: 'carol', name: 'Carol Díaz', email: 'carol@example.com' },
      { id: 'dave', name: 'Dave Okafor', email: 'dave@example.com' },
      { id: 'erin', name: 'Erin Novak', email: 'erin@example.com' },
      { id: 'frank', name: 'Frank Weber', email: 'frank@example.com' },
    ],
    conversations: [
      {
        id: 'general',
        title: 'General',
        participantIds: ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'],
        messages: [
          { senderId: 'alice', content: 'Good morning, everyone!' },
          { senderId: 'bob', content: 'Morning! Coffee is ready in the kitchen.' },
          { senderId: 'carol', content: 'The new designs are up for review.' },
          { senderId: 'dave', content: 'Great, I will look after standup.' },
          { senderId: 'erin', content: 'Reminder: retro at 4pm today.' },
        ],
      },
      {
        id: 'alice-bob',
        title: null,
        participantIds: ['alice', 'bob'],
        messages: [
          { senderId: 'bob', content: 'Hey Alice, do you have a minute?' },
          { senderId: 'alice', content: 'Sure, what is up?' },
          { senderId: 'bob', content: 'Can you review my pull request?' },
        ],
      },
      {
        id: 'design',
        title: 'Design',
        participantIds: ['alice', 'carol', 'dave'],
        messages: [
          { senderId: 'carol', content: 'I pushed the new color tokens.' },
          { senderId: 'dave', content: 'Dark mode looks much better now.' },
        ],
      },
      { id: 'long-history', title: 'Long history', participantIds: ['alice', 'bob'], generatedMessages: 10_000 },
      { id: 'empty', title: 'Empty', participantIds: ['alice', 'bob', 'carol'] },
    ],
  };
}

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
