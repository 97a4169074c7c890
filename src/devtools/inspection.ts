/**
 * The client's outbox, conversations and presence watches for the panel: a
 * store over `inspectClient(client)`, read on the panel's own clock (the core
 * sends no notifications for devtools). It reads while someone listens and
 * stops with the last listener; a snapshot keeps its identity until what it
 * shows changed.
 */
import { inspectClient, type ClientInspection, type RealtimeClient } from 'socketkit';

/** Default time between two reads, ms. */
export const DEFAULT_INSPECT_EVERY_MS = 500;

/** `inspectClient`'s answer, or null in a production build (the core keeps nothing for it there). */
export interface InspectionStore {
  subscribe(listener: () => void): () => void;
  getSnapshot(): ClientInspection | null;
}

/** Reads `client` every `everyMs` while subscribed. */
export function createInspectionStore(client: RealtimeClient, { everyMs = DEFAULT_INSPECT_EVERY_MS }: { everyMs?: number } = {}): InspectionStore {
  let snapshot = inspectClient(client);
  let shown = JSON.stringify(snapshot);
  let timer: ReturnType<typeof setInterval> | undefined;
  const listeners = new Set<() => void>();
  const read = () => {
    const next = inspectClient(client);
    const text = JSON.stringify(next);
    if (text === shown) return;
    snapshot = next;
    shown = text;
    for (const listener of [...listeners]) listener();
  };
  return {
    subscribe(listener) {
      listeners.add(listener);
      if (listeners.size === 1) {
        read();
        timer = setInterval(read, everyMs);
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) clearInterval(timer);
      };
    },
    getSnapshot: () => snapshot,
  };
}
