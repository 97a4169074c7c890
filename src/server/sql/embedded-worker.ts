/**
 * The embedded database's thread: PGlite (PostgreSQL compiled to
 * WebAssembly) runs here, not on the server's event loop. Its engine is CPU
 * work (about 1 ms for a one-message send, 7 ms for a batch of 100); on the
 * event loop every socket waited for it, here it has a core of its own.
 *
 * Protocol (embedded.ts is the other side): `workerData.pgdata` is opened
 * at start, then `{ type: 'ready' }` or `{ type: 'failed', error }` is posted.
 * Each request `{ id, op: 'query', text, params }`, `{ id, op: 'exec', sql }`
 * or `{ id, op: 'close' }` is answered `{ id, rows? }` or `{ id, error }`,
 * in the order they were sent (PGlite runs one statement at a time).
 * Errors cross as plain objects with their own fields (`code`, `detail`,
 * `errno`, …), which the other side puts back on an `Error`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PGlite } from '@electric-sql/pglite';
import { describeCause } from '../startup-error.js';

/** What a request asks of this thread. */
export type EmbeddedOperation = { op: 'query'; text: string; params: unknown[] | undefined } | { op: 'exec'; sql: string } | { op: 'close' };

/** A request to this thread: an operation and the id its answer carries. */
export type EmbeddedRequest = EmbeddedOperation & { id: number };

/** An error as it crosses the thread boundary: the message, the name and every own field. */
export interface CrossedError {
  message: string;
  name: string;
  fields: Record<string, unknown>;
}

/** What this thread posts. */
export type EmbeddedReply =
  | { type: 'ready' }
  | { type: 'failed'; error: CrossedError }
  | { type: 'answer'; id: number; rows?: unknown[] }
  | { type: 'answer'; id: number; error: CrossedError };

function cross(error: unknown): CrossedError {
  const fields: Record<string, unknown> = {};
  if (typeof error === 'object' && error !== null) {
    for (const [key, value] of Object.entries(error)) {
      // Only what structured clone can carry (no functions, no class instances such as a cause's).
      if (value === null || ['string', 'number', 'boolean', 'bigint', 'undefined'].includes(typeof value)) fields[key] = value;
    }
  }
  // PGlite's file system errors are not Error instances (an errno object): describeCause says what they are.
  return { message: describeCause(error), name: error instanceof Error ? error.name : 'Error', fields };
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('embedded-worker.ts runs as a worker thread (embedded.ts starts it)');
  const post = (reply: EmbeddedReply) => port.postMessage(reply);
  let db: PGlite;
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    db = await PGlite.create((workerData as { pgdata: string }).pgdata);
  } catch (error) {
    post({ type: 'failed', error: cross(error) });
    return;
  }
  // One request at a time, in order: each waits for the previous one's answer.
  let previous: Promise<void> = Promise.resolve();
  port.on('message', (request: EmbeddedRequest) => {
    previous = previous.then(async () => {
      try {
        if (request.op === 'query') post({ type: 'answer', id: request.id, rows: (await db.query(request.text, request.params)).rows });
        else if (request.op === 'exec') {
          await db.exec(request.sql);
          post({ type: 'answer', id: request.id });
        } else {
          await db.close();
          post({ type: 'answer', id: request.id });
          port.close();
        }
      } catch (error) {
        post({ type: 'answer', id: request.id, error: cross(error) });
      }
    });
  });
  post({ type: 'ready' });
}

void main();
