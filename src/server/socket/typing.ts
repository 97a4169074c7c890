import type { Server, Socket } from 'socket.io';
import { conversationRoom } from '../../protocol/index.js';
import type { ConversationId, UserId } from '../../protocol/index.js';

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
  /** Typing conversations → expiry timer and when the start was last announced (ms). Created on first use. */
  private states: Map<ConversationId, { timer: ReturnType<typeof setTimeout>; announcedAt: number }> | null = null;

  constructor(
    private readonly io: Server,
    private readonly socket: Socket,
    private readonly userId: UserId,
    private readonly timeoutMs: number,
  ) {}

  start(conversationId: ConversationId): void {
    // Too late: the socket left while the membership check ran.
    if (!this.socket.connected) return;
    const state = this.states?.get(conversationId);
    if (state) {
      state.timer.refresh();
      if (performance.now() - state.announcedAt >= TYPING_REANNOUNCE_MS) this.announce(conversationId, true, state);
      return;
    }
    const timer = setTimeout(() => this.stop(conversationId), this.timeoutMs);
    timer.unref?.();
    const created = { timer, announcedAt: 0 };
    (this.states ??= new Map()).set(conversationId, created);
    this.announce(conversationId, true, created);
  }

  stop(conversationId: ConversationId): void {
    const state = this.states?.get(conversationId);
    if (!state) return;
    clearTimeout(state.timer);
    this.states?.delete(conversationId);
    this.announce(conversationId, false);
  }

  /** Ends every typing state (disconnect). */
  stopAll(): void {
    if (!this.states) return;
    for (const conversationId of [...this.states.keys()]) this.stop(conversationId);
  }

  /** Drops timers without announcing (server shutdown). */
  dispose(): void {
    for (const state of this.states?.values() ?? []) clearTimeout(state.timer);
    this.states = null;
  }

  private announce(conversationId: ConversationId, isTyping: boolean, state?: { announcedAt: number }): void {
    // Monotonic: a wall clock stepping back would silence the re-announcements.
    if (state) state.announcedAt = performance.now();
    // `except(socket.id)` rather than `socket.to()`: it also works after disconnect.
    this.io
      .to(conversationRoom(conversationId))
      .except(this.socket.id)
      .emit('user:typing', { conversationId, userId: this.userId, isTyping });
  }
}
