import type { Conversation, ConversationSummary, Message, StoredNotification, UserProfile } from '../../protocol/index.js';
import type { ProfileClaims } from '../auth/auth.js';
import { MemoryNotifications } from './memory-notifications.js';
import { parseSeedData, type ParsedSeedData, type SeedData } from './seed-data.js';
import type {
  AppendMessageInput,
  AppendMessageResult,
  ConversationListPosition,
  ConversationListQuery,
  ConversationSummaryPage,
  CreateConversationInput,
  HistoryPage,
  HistoryQuery,
  MarkNotificationsReadInput,
  MarkReadInput,
  NewNotification,
  NotificationListQuery,
  NotificationPage,
  NotificationsReadResult,
  ReadCursor,
  SocketkitStore,
} from './store.js';

interface ConversationRecord {
  conversation: Conversation;
  participants: Set<string>;
  /** `messages[seq - 1]`: history by seq is a slice, O(page). */
  messages: Message[];
  /** `senderId \0 clientMessageId` → message, for idempotent retries. */
  byClientId: Map<string, Message>;
  /** Seed messages not built yet: a 10,000-message history is built on first use, not at start. */
  pending: (() => void) | null;
  /** Read cursors (`lastReadSeq`) by participant; absent means 0. */
  readSeq: Map<string, number>;
}

/** `a` before `b` in the list order: newest activity first, then id ascending. */
const listsBefore = (a: ConversationListPosition, b: ConversationListPosition): boolean =>
  a.lastActivityAt > b.lastActivityAt || (a.lastActivityAt === b.lastActivityAt && a.id < b.id);

const FILLER = [
  'Sounds good to me.',
  'Can you share the latest numbers?',
  'I will take a look this afternoon.',
  'Pushed a fix, please re-check.',
  'Lunch at noon?',
  'The build is green again.',
  'Let us sync tomorrow morning.',
  'Thanks, that helps a lot!',
];

/** The store behind `createMemoryStore`: the same contract, answered synchronously. */
export interface MemoryStore extends SocketkitStore {
  getUser(userId: string): UserProfile | undefined;
  listUsers(): UserProfile[];
  upsertUser(profile: ProfileClaims): void;
  getConversation(conversationId: string): Conversation | undefined;
  listConversations(userId: string): Conversation[];
  listContacts(userId: string): string[];
  createConversation(input: CreateConversationInput): Conversation;
  isParticipant(conversationId: string, userId: string): boolean | undefined;
  lastSeq(conversationId: string): number;
  appendMessage(input: AppendMessageInput): AppendMessageResult;
  history(query: HistoryQuery): HistoryPage;
  listConversationSummaries(query: ConversationListQuery): ConversationSummaryPage;
  markRead(input: MarkReadInput): ReadCursor | undefined;
  addNotification(input: NewNotification): StoredNotification;
  listNotifications(query: NotificationListQuery): NotificationPage;
  markNotificationsRead(input: MarkNotificationsReadInput): NotificationsReadResult;
  reset(): void;
}

/**
 * The default store: everything in memory, synchronous, O(1) membership and
 * idempotency checks and O(page) history. `reset()` restores the seed.
 * Numeric ids in `data` (the seed design's `{ id: 6 }`) become strings; a
 * wrong shape throws a `TypeError` naming the field (`users[0].id: …`).
 */
export function createMemoryStore(data?: SeedData): MemoryStore {
  // Checked once, here: numeric ids (the seed design's `{ id: 6 }`) become strings, anything else throws.
  const seed = data === undefined ? undefined : parseSeedData(data);
  let users = new Map<string, UserProfile>();
  let conversations = new Map<string, ConversationRecord>();
  let byUser = new Map<string, Set<string>>();
  let notifications = new MemoryNotifications();

  const index = (record: ConversationRecord) => {
    conversations.set(record.conversation.id, record);
    for (const userId of record.participants) {
      let set = byUser.get(userId);
      if (!set) byUser.set(userId, (set = new Set()));
      set.add(record.conversation.id);
    }
  };

  const append = (record: ConversationRecord, input: AppendMessageInput, createdAt: string, id: string = globalThis.crypto.randomUUID()): Message => {
    const message: Message = {
      id,
      seq: record.messages.length + 1,
      conversationId: input.conversationId,
      senderId: input.senderId,
      content: input.content,
      createdAt,
      clientMessageId: input.clientMessageId,
    };
    record.messages.push(message);
    record.byClientId.set(`${input.senderId}\u0000${input.clientMessageId}`, message);
    return message;
  };

  let storeId = globalThis.crypto.randomUUID();
  const load = () => {
    storeId = globalThis.crypto.randomUUID();
    users = new Map();
    conversations = new Map();
    byUser = new Map();
    notifications = new MemoryNotifications();
    if (!seed) return;
    for (const user of seed.users) users.set(user.id, { ...user });
    for (const c of seed.conversations) loadConversation(c);
    if (seed.notifications) notifications.seed(seed.notifications, Date.now());
  };

  /** Moves `userId`'s cursor to `seq` when that is ahead (monotonic). */
  const advance = (record: ConversationRecord, userId: string, seq: number): boolean => {
    if (seq <= (record.readSeq.get(userId) ?? 0)) return false;
    record.readSeq.set(userId, seq);
    return true;
  };

  const summarize = (record: ConversationRecord, userId: string): ConversationSummary => {
    const lastMessage = record.messages[record.messages.length - 1];
    const lastSeq = record.messages.length;
    const lastReadSeq = record.readSeq.get(userId) ?? 0;
    const summary: ConversationSummary = {
      ...record.conversation,
      lastSeq,
      lastReadSeq,
      unreadCount: Math.max(0, lastSeq - lastReadSeq),
      lastActivityAt: lastMessage?.createdAt ?? record.conversation.createdAt,
    };
    if (lastMessage) summary.lastMessage = lastMessage;
    return summary;
  };

  const loadConversation = (c: ParsedSeedData['conversations'][number]) => {
    const seeded = c.messages ?? [];
    const total = seeded.length + (c.generatedMessages ?? 0);
    const now = Date.now();
    const participantIds = [...new Set(c.participantIds)];
    const record: ConversationRecord = {
      conversation: {
        id: c.id,
        title: c.title ?? null,
        participantIds,
        createdAt: c.createdAt ?? new Date(now - (total + 60) * 60_000).toISOString(),
      },
      participants: new Set(participantIds),
      messages: [],
      byClientId: new Map(),
      pending: null,
      readSeq: new Map(),
    };
    index(record);
    const readCursors = () => {
      for (const [userId, seq] of Object.entries(c.readCursors ?? {})) {
        if (record.participants.has(userId)) advance(record, userId, Math.min(seq, total));
      }
    };
    if (total === 0) return;
    record.pending = () => {
      record.pending = null;
      for (let i = 0; i < total; i++) {
        const seq = i + 1;
        const m = seeded[i];
        // Seeded messages are spaced one minute apart, the newest a minute before the store was made.
        const createdAt = m?.createdAt ?? new Date(now - (total - i) * 60_000).toISOString();
        const senderId = m?.senderId ?? participantIds[i % participantIds.length] ?? 'system';
        const content = m?.content ?? `${FILLER[i % FILLER.length]} (#${seq})`;
        const clientMessageId = m?.clientMessageId ?? `seed-${seq}`;
        append(record, { conversationId: c.id, senderId, content, clientMessageId }, createdAt, `${c.id}:${seq}`);
        // What I wrote, I have read.
        advance(record, senderId, seq);
      }
      readCursors();
    };
  };

  /** The record with its seed messages built. */
  const get = (conversationId: string): ConversationRecord | undefined => {
    const record = conversations.get(conversationId);
    record?.pending?.();
    return record;
  };

  load();

  return {
    getUser: (userId) => users.get(userId),
    listUsers: () => [...users.values()],
    upsertUser(profile) {
      const current = users.get(profile.id);
      if (!current) {
        users.set(profile.id, { ...profile, name: profile.name ?? profile.id });
        return;
      }
      // Runs on every connect: copy only when a claim changes something.
      if (
        (profile.name === undefined || profile.name === current.name) &&
        (profile.email === undefined || profile.email === current.email) &&
        (profile.avatarUrl === undefined || profile.avatarUrl === current.avatarUrl)
      ) {
        return;
      }
      const next: UserProfile = { ...current };
      if (profile.name !== undefined) next.name = profile.name;
      if (profile.email !== undefined) next.email = profile.email;
      if (profile.avatarUrl !== undefined) next.avatarUrl = profile.avatarUrl;
      users.set(profile.id, next);
    },
    getConversation: (id) => conversations.get(id)?.conversation,
    listConversations(userId) {
      const ids = byUser.get(userId);
      if (!ids) return [];
      const list: Conversation[] = [];
      for (const id of ids) {
        const record = conversations.get(id);
        if (record) list.push(record.conversation);
      }
      return list.reverse();
    },
    listContacts(userId) {
      const contacts = new Set<string>();
      for (const id of byUser.get(userId) ?? []) {
        for (const participant of conversations.get(id)?.conversation.participantIds ?? []) contacts.add(participant);
      }
      return [...contacts];
    },
    createConversation(input: CreateConversationInput) {
      const conversation: Conversation = {
        id: globalThis.crypto.randomUUID(),
        title: input.title,
        participantIds: input.participantIds,
        createdAt: new Date().toISOString(),
      };
      index({ conversation, participants: new Set(input.participantIds), messages: [], byClientId: new Map(), pending: null, readSeq: new Map() });
      return conversation;
    },
    isParticipant(conversationId, userId) {
      const record = conversations.get(conversationId);
      return record ? record.participants.has(userId) : undefined;
    },
    lastSeq: (conversationId) => get(conversationId)?.messages.length ?? 0,
    appendMessage(input): AppendMessageResult {
      const record = get(input.conversationId);
      if (!record) throw new Error(`Unknown conversation ${input.conversationId}`);
      const existing = record.byClientId.get(`${input.senderId}\u0000${input.clientMessageId}`);
      const result = existing ? { message: existing, created: false } : { message: append(record, input, new Date().toISOString()), created: true };
      // What I wrote, I have read: in the same step (appendMarksSenderRead).
      if (record.participants.has(input.senderId)) advance(record, input.senderId, result.message.seq);
      return result;
    },
    appendMarksSenderRead: true,
    history(query: HistoryQuery): HistoryPage {
      const messages = get(query.conversationId)?.messages ?? [];
      const count = messages.length;
      const end = query.beforeSeq !== undefined ? Math.min(count, Math.max(0, query.beforeSeq - 1)) : count;
      if (query.afterSeq !== undefined) {
        // Catch-up: oldest first from the cursor.
        const start = Math.min(end, Math.max(0, query.afterSeq));
        const stop = Math.min(end, start + query.limit);
        return { messages: messages.slice(start, stop), hasMore: stop < end };
      }
      // Scroll-back (or newest page): the page just before `end`.
      const start = Math.max(0, end - query.limit);
      return { messages: messages.slice(start, end), hasMore: start > 0 };
    },
    listConversationSummaries(query) {
      const summaries: ConversationSummary[] = [];
      for (const id of byUser.get(query.userId) ?? []) {
        const record = get(id);
        if (!record) continue;
        const summary = summarize(record, query.userId);
        if (!query.after || listsBefore(query.after, summary)) summaries.push(summary);
      }
      summaries.sort((a, b) => (listsBefore(a, b) ? -1 : 1));
      return { conversations: summaries.slice(0, query.limit), hasMore: summaries.length > query.limit };
    },
    markRead(input) {
      const record = get(input.conversationId);
      if (!record?.participants.has(input.userId)) return undefined;
      const lastSeq = record.messages.length;
      const moved = advance(record, input.userId, Math.min(input.seq, lastSeq));
      return { lastReadSeq: record.readSeq.get(input.userId) ?? 0, lastSeq, moved };
    },
    addNotification: (input) => notifications.add(input),
    listNotifications: (query) => notifications.list(query),
    markNotificationsRead: (input) => notifications.markRead(input),
    reset: load,
    getStoreId: () => storeId,
  };
}
