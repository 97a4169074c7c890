import type { OnlineUser, UserId } from '../../protocol/index.js';
import type { SocketkitStore } from '../store/store.js';
import type { PresenceBackend } from './presence.js';

/**
 * Whether `viewer` may see `target`'s presence (online, since, last seen).
 * Asked by `presence:subscribe` (handshake watches included) and
 * `presence:list`; a hidden user reads as offline and never seen, and is not
 * watched (docs/security.md, "Who sees whose presence").
 */
export type CanSeePresence = (viewer: UserId, target: UserId) => boolean | Promise<boolean>;

/** A policy that shows everyone's presence to everyone (the mock server's default outside production). */
export const everyoneSeesPresence: CanSeePresence = () => true;

/** Most online ids `presence:list` reads to fill one page under a custom policy (the page then ends early, `hasMore` set). */
const LIST_SCAN_FACTOR = 10;

/**
 * Applies the presence policy. Without a `canSeePresence` of the app's, a
 * user sees themselves and the users they share a conversation with (read
 * from the store once per request: `listContacts`, else `listConversations`), so presence is no longer a directory of
 * everyone online (issue 24 #4).
 */
export class PresenceVisibility {
  constructor(
    private readonly store: SocketkitStore,
    private readonly policy: CanSeePresence | undefined,
  ) {}

  /** The subset of `targets` that `viewer` may see. */
  async visible(viewer: UserId, targets: readonly UserId[]): Promise<Set<UserId>> {
    if (targets.length === 0) return new Set();
    const policy = this.policy;
    if (!policy) {
      const contacts = await this.contacts(viewer);
      return new Set(targets.filter((target) => contacts.has(target)));
    }
    const answers = targets.map((target) => policy(viewer, target));
    // A policy that answers at once (the common case) costs no promise per target.
    const allowed = answers.every((answer) => typeof answer === 'boolean') ? answers : await Promise.all(answers);
    return new Set(targets.filter((_, i) => allowed[i] === true));
  }

  /**
   * One `presence:list` page for `viewer`: the visible online users after
   * `cursor`, in id order. Under the default policy it walks the viewer's
   * contacts; under a custom one it reads at most `limit × 10` online ids.
   */
  async list(
    viewer: UserId,
    presence: PresenceBackend,
    cursor: UserId | undefined,
    limit: number,
  ): Promise<{ users: OnlineUser[]; hasMore: boolean }> {
    if (!this.policy) {
      const contacts = [...(await this.contacts(viewer))].filter((id) => (cursor === undefined || id > cursor) && presence.isOnline(id)).sort();
      const users = contacts.slice(0, limit).map((userId) => {
        const state = presence.state(userId);
        return { userId, since: state.since ?? '' };
      });
      return { users, hasMore: contacts.length > limit };
    }
    const users: OnlineUser[] = [];
    let after = cursor;
    let scanned = 0;
    while (users.length < limit && scanned < limit * LIST_SCAN_FACTOR) {
      const page = presence.list(after, limit);
      scanned += page.users.length;
      const visible = await this.visible(viewer, page.users.map((u) => u.userId));
      for (const user of page.users) {
        if (users.length === limit) return { users, hasMore: true };
        if (visible.has(user.userId)) users.push(user);
      }
      if (!page.hasMore) return { users, hasMore: false };
      after = page.users[page.users.length - 1]?.userId;
    }
    return { users, hasMore: true };
  }

  /** The viewer and everyone in a conversation with them (by `listContacts` when the store has it: one batched query on the SQL stores). */
  private async contacts(viewer: UserId): Promise<Set<UserId>> {
    const contacts = new Set<UserId>([viewer]);
    if (this.store.listContacts) {
      for (const id of await this.store.listContacts(viewer)) contacts.add(id);
      return contacts;
    }
    for (const conversation of await this.store.listConversations(viewer)) {
      for (const id of conversation.participantIds) contacts.add(id);
    }
    return contacts;
  }
}
