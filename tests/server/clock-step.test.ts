/**
 * issue 19, kind 5: the wall clock of a running `socketkit-server` steps back
 * one hour (tests/support/clock-step.mjs, preloaded, on SIGUSR2). Every
 * duration the server measures is on the monotonic clock: the rate limit
 * still lets an ordinary client through, and a token still expires when its
 * lifetime is over, not an hour later.
 */
import { fileURLToPath } from 'node:url';
import jwt from 'jsonwebtoken';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Ack, Conversation, Message } from 'socketkit/protocol';
import { killServerClis, runServerCli } from '../support/server-cli.js';
import { emitAck, once, waitFor } from '../support/wait.js';

const SECRET = 'clock-step-secret-of-at-least-32-bytes';
const CLOCK_STEP = fileURLToPath(new URL('../support/clock-step.mjs', import.meta.url));
const sockets: Socket[] = [];

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  killServerClis();
});

async function connect(url: string, userId: string, expiresInS = 600): Promise<Socket> {
  const socket = io(url, {
    auth: { token: jwt.sign({ userId }, SECRET, { expiresIn: expiresInS }) },
    transports: ['websocket'],
    reconnection: false,
  });
  sockets.push(socket);
  await once(socket, 'connection:established', 15_000);
  return socket;
}

describe('kind 5: the wall clock steps back one hour', () => {
  it('no RATE_LIMITED for an ordinary client, and a token expires on time', async () => {
    const cli = runServerCli(['--port', '0', '--host', '127.0.0.1', '--secret', SECRET, '--memory'], {
      env: { NODE_OPTIONS: `--import ${CLOCK_STEP}` },
    });
    const url = await cli.listening();
    const alice = await connect(url, 'alice');
    const created = await emitAck<Ack<{ conversation: Conversation }>>(alice, 'conversation:create', { participantIds: ['bob'] }, 10_000);
    if (!created.ok) throw new Error(created.error.message);
    const conversationId = created.conversation.id;
    const send = (clientMessageId: string) =>
      emitAck<Ack<{ message: Message }>>(alice, 'message:send', { conversationId, content: clientMessageId, clientMessageId }, 10_000);
    for (let i = 0; i < 5; i++) expect(await send(`before-${i}`)).toMatchObject({ ok: true });
    // A token with 4 s left, given before the step.
    const carol = await connect(url, 'carol', 4);
    const expired = once(carol, 'auth:expired', 20_000);
    const expiryStartedAt = performance.now();

    cli.child.kill('SIGUSR2');
    await waitFor(() => cli.err().includes('clock stepped'), { timeoutMs: 10_000, message: 'clock stepped' });

    // Within the burst (30, the create and 5 sends spent, refilled since): all stored.
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => send(`after-${i}`)));
    expect(answers.filter((answer) => !answer.ok)).toEqual([]);
    await expired;
    // Expired after its 4 s (a JWT exp is whole seconds, the expiry timer ticks each second), not an hour later.
    expect(performance.now() - expiryStartedAt).toBeLessThan(8000);
    expect(cli.child.exitCode).toBeNull();
  }, 60_000);
});
