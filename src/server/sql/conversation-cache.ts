/**
 * Conversations cached in the SQL store: the participant check on every send
 * and typing event, and the conversation a send announces
 * (`conversation:updated` to the participants), answered without a query.
 *
 * Correct on every node without invalidation because a conversation never
 * changes once created: no operation renames one or adds or removes a
 * participant (a future one must clear this cache on every node; `last_seq`
 * is not part of a `Conversation`). Only existing conversations are cached;
 * "no such conversation" is asked again, since another node may create it.
 * Bounded by the number of participant ids held (the oldest conversations
 * are dropped first); concurrent misses of one conversation share one query.
 */
import type { Conversation } from '../../protocol/index.js';

interface Entry {
  conversation: Conversation;
  participants: ReadonlySet<string>;
}

export class ConversationCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Entry | undefined>>();
  private held = 0;

  /**
   * @param load the conversation, `undefined` when there is no such conversation
   * @param capacity most participant ids held in all (default 100,000)
   */
  constructor(
    private readonly load: (conversationId: string) => Promise<Conversation | undefined>,
    private readonly capacity = 100_000,
  ) {}

  /** Records a conversation just created or read. */
  remember(conversation: Conversation): Entry | undefined {
    const known = this.entries.get(conversation.id);
    if (known) return known;
    if (conversation.participantIds.length > this.capacity) return undefined;
    const entry: Entry = { conversation, participants: new Set(conversation.participantIds) };
    this.entries.set(conversation.id, entry);
    this.held += conversation.participantIds.length;
    for (const [id, old] of this.entries) {
      if (this.held <= this.capacity) break;
      this.entries.delete(id);
      this.held -= old.participants.size;
    }
    return entry;
  }

  /** The conversation, `undefined` when there is none. Rejects when the query fails. */
  async get(conversationId: string): Promise<Conversation | undefined> {
    return (await this.entry(conversationId))?.conversation;
  }

  /** `true` participant, `false` not one, `undefined` no such conversation. Rejects when the query fails. */
  async isParticipant(conversationId: string, userId: string): Promise<boolean | undefined> {
    return (await this.entry(conversationId))?.participants.has(userId);
  }

  private entry(conversationId: string): Entry | Promise<Entry | undefined> {
    const cached = this.entries.get(conversationId);
    if (cached) return cached;
    let pending = this.loading.get(conversationId);
    if (!pending) {
      pending = this.load(conversationId)
        .then((conversation) =>
          conversation ? (this.remember(conversation) ?? { conversation, participants: new Set(conversation.participantIds) }) : undefined,
        )
        .finally(() => this.loading.delete(conversationId));
      this.loading.set(conversationId, pending);
    }
    return pending;
  }
}
