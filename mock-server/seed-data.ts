/**
 * The default seed as plain data, with no Node APIs: Storybook and browser
 * code can import it (`mock-server/seed-data.ts`) instead of copying the
 * user list. `seed.ts` adds loading a seed from a JSON file.
 */
import type { SeedData } from 'socketkit/server/internal';

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
