/**
 * Request/response over a child process's IPC channel: the parent calls
 * `rpc(child, op, args)`, the child answers with `serveRpc(handlers)`.
 * Every call has a deadline so a wedged child fails the run instead of
 * hanging it.
 */
import type { ChildProcess } from 'node:child_process';

interface RpcRequest {
  rpc: number;
  op: string;
  args: unknown;
}
interface RpcResponse {
  rpc: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

let nextId = 0;

/** Calls `op` in `child`; rejects after `timeoutMs`. */
export function rpc<T>(child: ChildProcess, op: string, args: unknown = {}, timeoutMs = 120_000): Promise<T> {
  const id = ++nextId;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`rpc ${op} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (raw: unknown): void => {
      const msg = raw as Partial<RpcResponse>;
      if (msg.rpc !== id) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      if (msg.ok) resolve(msg.result as T);
      else reject(new Error(`${op}: ${msg.error ?? 'failed'}`));
    };
    child.on('message', onMessage);
    child.send({ rpc: id, op, args } satisfies RpcRequest);
  });
}

/** Handler of one op in a child. */
export type RpcHandler = (args: never) => unknown;

/** Answers rpc calls from the parent; exits when the parent goes away. */
export function serveRpc(handlers: Record<string, RpcHandler>): void {
  process.on('message', (raw: unknown) => {
    const msg = raw as Partial<RpcRequest>;
    if (typeof msg.rpc !== 'number' || typeof msg.op !== 'string') return;
    const id = msg.rpc;
    const handler = handlers[msg.op];
    const reply = (response: RpcResponse): void => {
      if (process.connected) process.send?.(response);
    };
    if (!handler) {
      reply({ rpc: id, ok: false, error: `unknown op ${msg.op}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(msg.args as never))
      .then(
        (result) => reply({ rpc: id, ok: true, result }),
        (err: unknown) => reply({ rpc: id, ok: false, error: err instanceof Error ? err.message : String(err) }),
      );
  });
  // An orphaned child must not keep sockets or the machine busy.
  process.on('disconnect', () => process.exit(0));
}
