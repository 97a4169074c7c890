import { z } from 'zod';
import { LIMITS, type UserProfile } from '../../protocol/index.js';

/**
 * An id in seed data: a string, or a number as the seed design's data had
 * (`{ id: 6 }`). Ids are strings in the protocol, so a number becomes its
 * string (`6` → `"6"`), exactly as a numeric `userId` claim does, and a token
 * for user 6 then finds seeded user `"6"`.
 */
export type SeedId = string | number;

/** A seeded message: `seq` follows the array order. */
export interface SeedMessage {
  senderId: SeedId;
  content: string;
  /** ISO date; default: spaced one minute apart, ending now. */
  createdAt?: string | undefined;
  clientMessageId?: string | undefined;
}

/** A seeded conversation. */
export interface SeedConversation {
  id: SeedId;
  title?: string | null | undefined;
  participantIds: SeedId[];
  createdAt?: string | undefined;
  messages?: SeedMessage[] | undefined;
  /** Generated filler messages appended after `messages` (e.g. 10,000 for a long history). */
  generatedMessages?: number | undefined;
  /**
   * Read cursors (`lastReadSeq`) by participant id. Each sender's cursor is
   * at least the seq of their newest seeded message (what I wrote, I have read).
   */
  readCursors?: Record<string, number> | undefined;
}

/** A seeded notification (protocol 1.2), stored for `userId` in array order (the last is the newest). */
export interface SeedNotification {
  userId: string;
  title: string;
  body: string;
  link?: string | undefined;
  data?: unknown;
  /** ISO date; default: spaced one minute apart, the last a minute before the store was made. */
  createdAt?: string | undefined;
  /** ISO date when it was read; absent or `null`: unread. */
  readAt?: string | null | undefined;
}

/** A seeded user: a profile whose id may be a number (turned into its string). */
export type SeedUser = Omit<UserProfile, 'id'> & { id: SeedId };

/** Initial data of a memory store (the `--seed FILE` JSON has this shape). */
export interface SeedData {
  users: SeedUser[];
  conversations: SeedConversation[];
  /** Stored notifications (protocol 1.2). */
  notifications?: SeedNotification[] | undefined;
}

/** Seed data after `parseSeedData`: every id a string. */
export interface ParsedSeedData {
  users: UserProfile[];
  conversations: (Omit<SeedConversation, 'id' | 'participantIds' | 'messages'> & {
    id: string;
    participantIds: string[];
    messages?: (Omit<SeedMessage, 'senderId'> & { senderId: string })[] | undefined;
  })[];
  notifications?: SeedNotification[] | undefined;
}

const seedId = z.union([z.string().min(1).max(LIMITS.maxIdLength), z.number().finite().transform(String)]);
const optionalString = z.string().optional();

const seedSchema = z.object({
  users: z.array(
    z.looseObject({ id: seedId, name: z.string(), email: optionalString, avatarUrl: optionalString }),
  ),
  conversations: z.array(
    z.object({
      id: seedId,
      title: z.string().nullable().optional(),
      participantIds: z.array(seedId),
      createdAt: optionalString,
      messages: z
        .array(z.object({ senderId: seedId, content: z.string(), createdAt: optionalString, clientMessageId: optionalString }))
        .optional(),
      generatedMessages: z.number().int().nonnegative().optional(),
      readCursors: z.record(z.string(), z.number().int().nonnegative()).optional(),
    }),
  ),
  notifications: z
    .array(
      z.object({
        userId: seedId,
        title: z.string(),
        body: z.string(),
        link: optionalString,
        data: z.unknown().optional(),
        createdAt: optionalString,
        readAt: z.string().nullable().optional(),
      }),
    )
    .optional(),
});

/**
 * Checks seed data and turns numeric ids into strings.
 *
 * @throws TypeError naming the first wrong field, e.g.
 *   `createMemoryStore: users[0].id: expected a string or number id`.
 */
export function parseSeedData(seed: unknown, source = 'createMemoryStore'): ParsedSeedData {
  const result = seedSchema.safeParse(seed);
  if (result.success) return result.data as ParsedSeedData;
  const issue = result.error.issues[0]!;
  const path = issue.path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '');
  const reason = issue.path.at(-1) === 'id' || String(issue.path.at(-1)).endsWith('Id') || issue.path.includes('participantIds') ? 'expected a string or number id' : issue.message;
  throw new TypeError(
    `${source}: ${path || 'seed'}: ${reason}. A seed is { users: [{ id, name }], conversations: [{ id, participantIds, messages? }] } (docs/server.md, "Seeding the memory store").`,
  );
}
