import type { Server, Socket } from 'socket.io';
import { conversationRoom } from '../protocol/index.js';
import type { ConversationId, UserId } from '../protocol/index.js';

/** A repeated `typing:start` is announced again at most this often. */
export const TYPING_REANNOUNCE_MS = 1000;

/**
 * One socket's typing states. `user:typing` goes out when the state changes
 * and again for a repeated start at most every second: a keystroke every
 * 200 ms is not thirty events, yet a socket that joined the room after the
 * first start learns of it, and clients' own expiry of others' typing is
 * kept fresh. The server ends the state itself after `timeoutMs` without a
 * new start and when the socket disconnects.
 */
export class TypingState {
  private readonly timers = new Map<ConversationId, ReturnType<typeof setTimeout>>();
  private readonly announcedAt = new Map<ConversationId, number>();

  constructor(
    private readonly io: Server,
    private readonly socket: Socket,
    private readonly userId: UserId,
    private readonly timeoutMs: number,
  ) {}

  start(conversationId: ConversationId): void {
    // Too late: the socket left while the membership check ran.
    if (!this.socket.connected) return;
    const timer = this.timers.get(conversationId);
    if (timer) {
      timer.refresh();
      if (Date.now() - (this.announcedAt.get(conversationId) ?? 0) >= TYPING_REANNOUNCE_MS) this.announce(conversationId, true);
      return;
    }
    const expiry = setTimeout(() => this.stop(conversationId), this.timeoutMs);
    expiry.unref?.();
    this.timers.set(conversationId, expiry);
    this.announce(conversationId, true);
  }

  stop(conversationId: ConversationId): void {
    const timer = this.timers.get(conversationId);
    if (!timer) return;
    clearTimeout(timer);
    this.timers.delete(conversationId);
    this.announcedAt.delete(conversationId);
    this.announce(conversationId, false);
  }

  /** Ends every typing state (disconnect). */
  stopAll(): void {
    for (const conversationId of [...this.timers.keys()]) this.stop(conversationId);
  }

  /** Drops timers without announcing (server shutdown). */
  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.announcedAt.clear();
  }

  private announce(conversationId: ConversationId, isTyping: boolean): void {
    if (isTyping) this.announcedAt.set(conversationId, Date.now());
    // `except(socket.id)` rather than `socket.to()`: it also works after disconnect.
    this.io
      .to(conversationRoom(conversationId))
      .except(this.socket.id)
      .emit('user:typing', { conversationId, userId: this.userId, isTyping });
  }
}
