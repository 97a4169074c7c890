/**
 * Development help is left out of production builds (docs/client.md,
 * "Creating a client"): an app's production build inlines
 * `process.env.NODE_ENV` as "production", which these tests set at run time.
 * connect()'s argument checks are skipped (the mistakes end as they would on
 * the wire), and every refusal keeps its `RealtimeError` and code, with the
 * message's first clause.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RealtimeError } from 'socketkit';
import { fakeClient, flush } from './fake-socket';

const thrownBy = (run: () => void): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('in a production build', () => {
  let nodeEnv: string | undefined;
  beforeEach(() => {
    nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
  });
  afterEach(() => {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  });

  it("connect(token) ignores the argument and connects with the client's own token", async () => {
    const { client, socket } = fakeClient();
    (client.connect as (token: string) => void)('a-token');
    await flush();
    expect(socket.attempts).toEqual([{ token: 't0', protocol: '1.1' }]);
    socket.accept();
    expect(client.connection.getSnapshot().status).toBe('connected');
    client.destroy();
  });

  it("a client without getToken or token ends failed with the server's TOKEN_MISSING", async () => {
    const { client, socket } = fakeClient({ token: undefined });
    client.connect();
    await flush();
    socket.refuse('TOKEN_MISSING');
    expect(client.connection.getSnapshot()).toMatchObject({ status: 'failed', error: { code: 'TOKEN_MISSING' } });
    client.destroy();
  });

  it('refuses bad, reserved and managed event names with the same error and code, without the advice', async () => {
    const { client } = fakeClient();
    const refusals = [
      thrownBy(() => client.emit('')),
      thrownBy(() => client.emit('disconnect')),
      thrownBy(() => client.emit('conversation:join', 'general')),
      await client.request('presence:subscribe', { userIds: ['bob'] }).catch((error: unknown) => error),
    ];
    for (const refusal of refusals) expect(refusal).toBeInstanceOf(RealtimeError);
    expect(refusals.map((refusal) => (refusal as RealtimeError).code)).toEqual(['BAD_REQUEST', 'BAD_REQUEST', 'BAD_REQUEST', 'BAD_REQUEST']);
    expect(refusals.map((refusal) => (refusal as RealtimeError).message)).toEqual([
      'Event name must be a non-empty string',
      '"disconnect" is reserved by Socket.IO',
      '"conversation:join" is managed by the client',
      '"presence:subscribe" is managed by the client',
    ]);
    client.destroy();
  });
});
