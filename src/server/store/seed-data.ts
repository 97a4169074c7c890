import type { UserProfile } from '../../protocol/index.js';

/** A seeded message: `seq` follows the array order. */
export interface SeedMessage {
  senderId: string;
  content: string;
  /** ISO date; default: spaced one minute apart, ending now. */
  createdAt?: string;
  clientMessageId?: string;
}

/** A seeded conversation. */
export interface SeedConversation {
  id: string;
  title?: string | null;
  participantIds: string[];
  createdAt?: string;
  messages?: SeedMessage[];
  /** Generated filler messages appended after `messages` (e.g. 10,000 for a long history). */
  generatedMessages?: number;
}

/** Initial data of a memory store (the `--seed FILE` JSON has this shape). */
export interface SeedData {
  users: UserProfile[];
  conversations: SeedConversation[];
}
