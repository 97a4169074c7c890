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
  /**
   * Read cursors (`lastReadSeq`) by participant id. Each sender's cursor is
   * at least the seq of their newest seeded message (what I wrote, I have read).
   */
  readCursors?: Record<string, number>;
}

/** A seeded notification (protocol 1.2), stored for `userId` in array order (the last is the newest). */
export interface SeedNotification {
  userId: string;
  title: string;
  body: string;
  link?: string;
  data?: unknown;
  /** ISO date; default: spaced one minute apart, the last a minute before the store was made. */
  createdAt?: string;
  /** ISO date when it was read; absent or `null`: unread. */
  readAt?: string | null;
}

/** Initial data of a memory store (the `--seed FILE` JSON has this shape). */
export interface SeedData {
  users: UserProfile[];
  conversations: SeedConversation[];
  /** Stored notifications (protocol 1.2). */
  notifications?: SeedNotification[];
}
