/**
 * The default seed as plain data, with no Node APIs: Storybook and browser
 * code can import it (`mock-server/seed-data.ts`) instead of copying the
 * user list. `seed.ts` adds loading a seed from a JSON file.
 */
import type { SeedData } from 'socketkit/server/internal';

/**
 * The default seed: six named users, five conversations with unread messages
 * and a few stored notifications, enough for a UI (and the inbox) to show
 * something real (see docs/architecture.md).
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
    // The inbox (protocol 1.2): each sender has read up to their own newest message, so alice
    // starts with unread messages in general (4), design (2) and alice-bob (1); a few
    // notifications wait, some unread.
    notifications: [
      { userId: 'alice', title: 'Welcome to socketkit', body: 'Your inbox keeps notifications across devices.', readAt: '2026-01-01T00:00:00.000Z' },
      { userId: 'bob', title: 'Review requested', body: 'Alice asked you to review PR #41.', link: '/prs/41' },
      { userId: 'alice', title: 'Review requested', body: 'Bob asked you to review PR #42.', link: '/prs/42', data: { pr: 42 } },
      { userId: 'alice', title: 'Deploy finished', body: 'v1.4.0 is live.', link: '/deploys/140' },
    ],
  };
}
