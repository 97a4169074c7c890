import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TraceRecord } from 'socketkit';
import { startServer, type TestServer } from '../support/server.js';
import { waitFor } from '../support/wait.js';
import { connected, disposeAll, realClient } from './real-client.js';

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  disposeAll();
  await server.cleanup();
});

/** A logger that keeps every line by level. */
function captureLogger() {
  const lines = { debug: [] as string[], other: [] as unknown[][] };
  return {
    lines,
    debug: (...args: unknown[]) => void lines.debug.push(args.join(' ')),
    info: (...args: unknown[]) => void lines.other.push(args),
    warn: (...args: unknown[]) => void lines.other.push(args),
    error: (...args: unknown[]) => void lines.other.push(args),
  };
}

describe('client tracing (debug option and client.trace), against the real server', () => {
  it('debug: true logs the transitions, a request with its ack, a refusal and a reconnect decision', async () => {
    const logger = captureLogger();
    const client = realClient(server, 'alice', { debug: true, logger });
    const records: TraceRecord[] = [];
    client.trace.subscribe((record) => records.push(record));
    await connected(client);
    await client.request('presence:list', {});
    await expect(client.request('conversation:join', 'no-such-conversation')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    server.io.disconnectSockets(true);
    await waitFor(() => records.some((r) => r.type === 'reconnect'), { message: 'a reconnect decision' });
    await connected(client);

    const lines = logger.lines.debug;
    expect(lines).toContain('[socketkit] state idle → connecting (event connect)');
    expect(lines).toContain('[socketkit] state connecting → connected (event established)');
    expect(lines).toContainEqual(expect.stringMatching(/^\[socketkit\] request presence:list #\d+$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\[socketkit\] ack presence:list #\d+ in \d+ ms$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\[socketkit\] refused conversation:join #\d+: NOT_FOUND after \d+ ms$/));
    expect(lines).toContain('[socketkit] state connected → backoff (event socketClosed, reason io server disconnect)');
    expect(lines).toContainEqual(expect.stringMatching(/^\[socketkit\] reconnect: retry \(io server disconnect: attempt 1 in \d+ ms\)$/));
    // The subscribable source hears the same records the lines are made of.
    const decision = records.find((r) => r.type === 'reconnect');
    expect(decision).toMatchObject({ type: 'reconnect', decision: 'retry', attempt: 1 });
    expect(decision?.type === 'reconnect' && decision.delayMs).toBeGreaterThan(0);
    expect(records.find((r) => r.type === 'ack')).toMatchObject({ type: 'ack', event: 'presence:list' });
    // A request carries what was sent, its ack what the server answered (what the devtools log expands).
    expect(records.find((r) => r.type === 'request' && r.event === 'conversation:join')).toMatchObject({ payload: 'no-such-conversation' });
    expect(records.find((r) => r.type === 'ack' && r.event === 'presence:list')).toMatchObject({ result: { users: expect.any(Array) } });
    expect(logger.lines.other).toEqual([]);
  });

  it('a refused handshake: the reason is the code, and the decision is to give up', async () => {
    const logger = captureLogger();
    const client = realClient(server, 'alice', { debug: true, logger, getToken: () => 'not-a-token' });
    await waitFor(() => client.connection.getSnapshot().status === 'failed', { message: 'failed' });
    expect(logger.lines.debug).toContain('[socketkit] state connecting → failed (event connectError, reason TOKEN_INVALID)');
    expect(logger.lines.debug).toContain('[socketkit] reconnect: give up (refused (TOKEN_INVALID): retrying cannot help)');
  });

  it('off by default: the same session logs nothing', async () => {
    const logger = captureLogger();
    const client = realClient(server, 'alice', { logger });
    await connected(client);
    await client.request('presence:list', {});
    await expect(client.request('conversation:join', 'no-such-conversation')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    server.io.disconnectSockets(true);
    await waitFor(() => client.connection.getSnapshot().status !== 'connected', { message: 'dropped' });
    await connected(client);
    expect(logger.lines).toEqual({ debug: [], other: [] });
  });
});
