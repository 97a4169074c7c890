import type { ConversationId } from '../protocol/index.js';
import type { ManagedConversation, ConversationContext } from './context.js';
import { createConversation } from './conversation.js';
import type { ConversationInspection } from './inspect.js';

/**
 * The client's conversation handles, one per id, and the one listener per
 * event that routes `message:new` and `user:typing` to the handle of their
 * conversation.
 *
 * Retention rule: a handle is kept while it is joined, has a store
 * subscriber, or has pending messages in the outbox; when the last of these
 * goes it is released, and `client.conversation(id)` makes a new one. Hold a
 * handle only while you use it (join or subscribe); `useConversation` does.
 * Internal.
 */
export interface ConversationRegistry {
  /** The handle of `id`, made if there is none. */
  get(id: ConversationId): ManagedConversation;
  /** Connected: every handle rejoins; `storeChanged`: the server's history is not the one we hold. */
  resyncAll(storeChanged: boolean): Promise<void>[];
  /** The link dropped. */
  linkDown(): void;
  destroy(): void;
  /** Every handle's joins and seq cursors (`inspectClient`); development builds only. */
  inspect?(): ConversationInspection[];
}

/** The handle of `id` is dropped when unused, checked after the current task's microtasks. */
function releaseIfUnused(handles: Map<ConversationId, ManagedConversation>, id: ConversationId): void {
  // A StrictMode re-mount or a moving component takes it back first.
  void Promise.resolve().then(() => {
    const handle = handles.get(id);
    if (handle?.isUnused()) {
      handle.destroy();
      handles.delete(id);
    }
  });
}

export function createConversationRegistry(ctx: Omit<ConversationContext, 'maybeUnused' | 'adopt'>): ConversationRegistry {
  const handles = new Map<ConversationId, ManagedConversation>();
  const conversationContext: ConversationContext = {
    ...ctx,
    maybeUnused: (id) => releaseIfUnused(handles, id),
    adopt(handle) {
      // A handle released while someone still held it is registered again when joined.
      if (!handles.has(handle.id)) handles.set(handle.id, handle);
    },
  };
  // One listener per event for every conversation: routed by id.
  ctx.on('message:new', (message) => handles.get(message.conversationId)?.onMessage(message));
  ctx.on('user:typing', ({ conversationId, userId, isTyping }) => handles.get(conversationId)?.onTyping(userId, isTyping));
  const registry: ConversationRegistry = {
    get(id) {
      let handle = handles.get(id);
      if (!handle) {
        handle = createConversation(conversationContext, id);
        handles.set(id, handle);
      }
      return handle;
    },
    resyncAll: (storeChanged) => [...handles.values()].map((handle) => handle.resync(storeChanged)),
    linkDown: () => handles.forEach((handle) => handle.linkDown()),
    destroy() {
      handles.forEach((handle) => handle.destroy());
      handles.clear();
    },
  };
  if (process.env.NODE_ENV !== 'production') registry.inspect = () => [...handles.values()].flatMap((handle) => handle.inspect?.() ?? []);
  return registry;
}
