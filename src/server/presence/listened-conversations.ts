import type { Server } from 'socket.io';
import { conversationRoom } from '../../protocol/index.js';
import type { ConversationId, UserId } from '../../protocol/index.js';

const CONVERSATION_PREFIX = conversationRoom('');

/**
 * The conversations someone on this node has joined (their room exists),
 * with their participants, indexed by participant. A presence change of one
 * user goes to the rooms of the listened conversations they take part in:
 * found here in O(those rooms), without reading every conversation the user
 * was ever put in from the store. Before, anyone could create 1,200
 * conversations of 1,000 participants and make each of those participants'
 * connects re-read them all (issue 24 #3: 20 connects stalled the server
 * 19.5 s). One node only: a cluster's rooms live on every node.
 */
export class ListenedConversations {
  private readonly participants = new Map<ConversationId, readonly UserId[]>();
  private readonly byUser = new Map<UserId, Set<ConversationId>>();

  constructor(io: Server) {
    // Socket.IO drops an empty room (its last socket left or disconnected): so do we.
    io.of('/').adapter.on('delete-room', (room: unknown) => {
      if (typeof room === 'string' && room.startsWith(CONVERSATION_PREFIX)) this.forget(room.slice(CONVERSATION_PREFIX.length));
    });
  }

  /** A socket joined the conversation's room (call after the join; idempotent). */
  listen(conversationId: ConversationId, participantIds: readonly UserId[]): void {
    if (this.participants.has(conversationId)) return;
    this.participants.set(conversationId, participantIds);
    for (const userId of participantIds) {
      let conversations = this.byUser.get(userId);
      if (!conversations) this.byUser.set(userId, (conversations = new Set()));
      conversations.add(conversationId);
    }
  }

  /** The listened conversations `userId` takes part in. */
  conversationsOf(userId: UserId): ConversationId[] {
    const conversations = this.byUser.get(userId);
    return conversations ? [...conversations] : [];
  }

  get size(): number {
    return this.participants.size;
  }

  private forget(conversationId: ConversationId): void {
    const participantIds = this.participants.get(conversationId);
    if (!participantIds) return;
    this.participants.delete(conversationId);
    for (const userId of participantIds) {
      const conversations = this.byUser.get(userId);
      conversations?.delete(conversationId);
      if (conversations?.size === 0) this.byUser.delete(userId);
    }
  }
}
