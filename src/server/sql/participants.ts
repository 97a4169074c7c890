/**
 * The participants of conversations, cached in the SQL store for the
 * participant check on every send and typing event.
 *
 * Correct on every node without invalidation because participants are fixed
 * when a conversation is created: no operation adds or removes one (a future
 * one must clear this cache on every node). Only existing conversations are
 * cached; "no such conversation" is asked again, since another node may
 * create it. Bounded by the number of participant ids held (the oldest
 * conversations are dropped first); concurrent misses of one conversation
 * share one query.
 */
export class ParticipantCache {
  private readonly entries = new Map<string, ReadonlySet<string>>();
  private readonly loading = new Map<string, Promise<ReadonlySet<string> | undefined>>();
  private held = 0;

  /**
   * @param load the participant ids of a conversation, `undefined` when there is no such conversation
   * @param capacity most participant ids held in all (default 100,000)
   */
  constructor(
    private readonly load: (conversationId: string) => Promise<string[] | undefined>,
    private readonly capacity = 100_000,
  ) {}

  /** Records the participants of a conversation just created or read. */
  remember(conversationId: string, participantIds: readonly string[]): void {
    if (this.entries.has(conversationId) || participantIds.length > this.capacity) return;
    this.entries.set(conversationId, new Set(participantIds));
    this.held += participantIds.length;
    for (const [id, set] of this.entries) {
      if (this.held <= this.capacity) break;
      this.entries.delete(id);
      this.held -= set.size;
    }
  }

  /** `true` participant, `false` not one, `undefined` no such conversation. Rejects when the query fails. */
  async isParticipant(conversationId: string, userId: string): Promise<boolean | undefined> {
    const cached = this.entries.get(conversationId);
    if (cached) return cached.has(userId);
    let pending = this.loading.get(conversationId);
    if (!pending) {
      pending = this.load(conversationId)
        .then((ids) => {
          if (ids) this.remember(conversationId, ids);
          return ids ? new Set(ids) : undefined;
        })
        .finally(() => this.loading.delete(conversationId));
      this.loading.set(conversationId, pending);
    }
    return (await pending)?.has(userId);
  }
}
