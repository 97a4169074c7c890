import type { Server, Socket } from 'socket.io';
import { conversationRoom } from '../protocol/index.js';
import type { ConversationId, UserId } from '../protocol/index.js';

/**
 * One socket's typing states. `user:typing` goes out only when the state
 * changes (a keystroke every 200 ms is one event, not thirty), and the
 * server ends the state itself after `timeoutMs` without a new start and
 * when the socket disconnects.
 */
export class TypingState {
  private readonly timers = new Map<ConversationId, ReturnType<typeof setTimeout>>();

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
  }

  private announce(conversationId: ConversationId, isTyping: boolean): void {
    // `except(socket.id)` rather than `socket.to()`: it also works after disconnect.
    this.io
      .to(conversationRoom(conversationId))
      .except(this.socket.id)
      .emit('user:typing', { conversationId, userId: this.userId, isTyping });
  }
}
