/**
 * The replica of cluster presence (RedisPresence) converges whatever the
 * order in which a snapshot's reply and the published transitions reach the
 * node: the reply comes on the command connection, the events on the
 * subscriber's, so a transition newer than the snapshot can be heard first
 * (issue 19). Real Redis; the test only holds what Redis sent on one
 * connection or the other (as a slow network would) to force each order.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { createMemoryStore, silentLogger } from 'socketkit/server';
import { RedisPresence, type RedisCommandClient, type RedisSubscriber } from 'socketkit/server/redis';
import { CONNECT, DISCONNECT, REGISTER, SNAPSHOT } from '../../src/server/redis/scripts.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { waitFor } from '../support/wait.js';

const PREFIX = 'socketkit:presence:';
const SNAPSHOT_SHA = createHash('sha1').update(SNAPSHOT).digest('hex');

type Client = ReturnType<typeof createClient>;

/** A gate that something waits at until `open()`. */
function gate(): { passed: Promise<void>; open(): void } {
  let open = () => {};
  const passed = new Promise<void>((resolve) => (open = resolve));
  return { passed, open };
}

/** One SNAPSHOT held: sent once `send` opens, its reply handed over once `deliver` opens. */
interface HeldSnapshot {
  send: ReturnType<typeof gate>;
  deliver: ReturnType<typeof gate>;
  /** Resolves when the presence asks for it. */
  requested: Promise<void>;
  /** Resolves when Redis ran it (its reply is held). */
  executed: Promise<void>;
}

/** The presence's command client: the real one, except that the SNAPSHOT after `holdNext()` is held. */
function holdingSnapshots(real: Client) {
  let next: (HeldSnapshot & { reached(): void; ran(): void }) | null = null;
  const held = async (run: () => Promise<unknown>) => {
    const hold = next;
    if (!hold) return run();
    hold.reached();
    await hold.send.passed;
    // A first EVALSHA may fail (NOSCRIPT): the EVAL that follows is the held one.
    const reply = await run();
    next = null;
    hold.ran();
    await hold.deliver.passed;
    return reply;
  };
  const client: RedisCommandClient = {
    get isReady() {
      return real.isReady;
    },
    eval: (script, options) => (script === SNAPSHOT ? held(() => real.eval(script, options)) : real.eval(script, options)),
    evalSha: (sha, options) => (sha === SNAPSHOT_SHA ? held(() => real.evalSha(sha, options)) : real.evalSha(sha, options)),
    ping: () => real.ping(),
  };
  return {
    client,
    holdNext(): HeldSnapshot {
      const requested = gate();
      const executed = gate();
      next = { send: gate(), deliver: gate(), requested: requested.passed, executed: executed.passed, reached: requested.open, ran: executed.open };
      return next;
    },
  };
}

/** The presence's subscriber: the real one, whose messages wait while `hold()` until `release()`. */
function holdingSubscriber(real: Client) {
  let holding = false;
  let heard = 0;
  const waiting: (() => void)[] = [];
  const subscriber: RedisSubscriber = {
    on: (event, listener) => real.on(event, listener),
    subscribe: (channel, listener) =>
      real.subscribe(channel, (message: string) => {
        heard += 1;
        if (holding) waiting.push(() => listener(message));
        else listener(message);
      }),
    destroy: () => real.destroy(),
  };
  return {
    subscriber,
    /** How many messages came from Redis so far. */
    get heard() {
      return heard;
    },
    /** How many messages wait. */
    get held() {
      return waiting.length;
    },
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      for (const deliver of waiting.splice(0)) deliver();
    },
  };
}

let redis: TestRedis | undefined;
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  try {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  } finally {
    await redis?.stop();
    redis = undefined;
  }
});

async function connected(url: string): Promise<Client> {
  const client = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  cleanups.push(() => client.isOpen && client.destroy());
  return client;
}

/** Another node ('x') of the cluster: its transitions, made by the same scripts. */
function otherNode(tester: Client) {
  const at = () => new Date().toISOString();
  return {
    connect: (userId: string) => tester.eval(CONNECT, { keys: [], arguments: [PREFIX, 'x', userId, at()] }),
    /** Its last socket of `userId` goes, no grace: offline at once. */
    disconnect: (userId: string) => tester.eval(DISCONNECT, { keys: [], arguments: [PREFIX, 'x', userId, at(), '0'] }),
  };
}

/** A RedisPresence (node 'p', no grace, no heartbeat during the test) on the holding clients. */
async function startPresence(url: string) {
  const command = holdingSnapshots(await connected(url));
  const messages = holdingSubscriber(await connected(url));
  const start = () => {
    const presence = new RedisPresence(
      // Not attached to an HTTP server: the announcements go to its (empty) rooms.
      new Server(),
      {
        client: command.client,
        subscriber: () => Promise.resolve(messages.subscriber),
        nodeId: 'p',
        keyPrefix: PREFIX,
        graceMs: 0,
        heartbeatMs: 60_000,
        nodeTimeoutMs: 180_000,
        logger: silentLogger,
        store: createMemoryStore(),
      },
    );
    cleanups.push(() => presence.close());
    return presence;
  };
  return { command, messages, start };
}

/**
 * Starts a presence whose first snapshot is held, and makes transitions
 * around it: u1 comes and goes before the snapshot runs (heard after it was
 * requested, older than it); u2 comes and u3 (online before) goes after it
 * ran (newer than it). u0 is online before and untouched: only the snapshot
 * tells the replica about it.
 */
async function startWithTransitionsAroundTheSnapshot() {
  redis = await startRedis();
  const tester = await connected(redis.url);
  const x = otherNode(tester);
  await x.connect('u0');
  await x.connect('u3');

  const { command, messages, start } = await startPresence(redis.url);
  const snapshot = command.holdNext();
  const presence = start();
  // Subscribed by now: the replica asks for its snapshot only after that.
  await snapshot.requested;
  messages.hold();
  await x.connect('u1');
  await x.disconnect('u1');
  snapshot.send.open();
  await snapshot.executed;
  await x.connect('u2');
  await x.disconnect('u3');
  await waitFor(() => messages.held === 4, { timeoutMs: 5000, message: 'the four transitions published' });
  return { presence, snapshot, messages, tester, x };
}

/** The replica reads what Redis holds: online exactly the users in `P online`. */
async function expectConverged(presence: RedisPresence, tester: Client): Promise<void> {
  const online = Object.keys(await tester.hGetAll(`${PREFIX}online`)).sort();
  expect(presence.activeUserIds().sort()).toEqual(online);
  for (const userId of ['u0', 'u1', 'u2', 'u3']) expect(presence.isOnline(userId)).toBe(online.includes(userId));
}

describe('the presence replica, whatever the order of a snapshot and the transitions', () => {
  it('keeps the transitions heard before the snapshot reply that are newer than it, and drops the older ones', async () => {
    const { presence, snapshot, messages, tester, x } = await startWithTransitionsAroundTheSnapshot();
    messages.release();
    // All four applied before the reply is handed over.
    await waitFor(() => presence.isOnline('u2') && presence.state('u3').online === false && presence.state('u3').lastSeen !== undefined, {
      timeoutMs: 5000,
      message: 'the transitions applied',
    });
    snapshot.deliver.open();
    await waitFor(() => presence.isOnline('u0'), { timeoutMs: 5000, message: 'the snapshot loaded' });

    expect(presence.isOnline('u2')).toBe(true);
    expect(presence.state('u3')).toMatchObject({ online: false, lastSeen: expect.any(String) });
    expect(presence.state('u1')).toMatchObject({ online: false, lastSeen: expect.any(String) });
    await expectConverged(presence, tester);

    // And it keeps following: the next transitions apply.
    await x.connect('u3');
    await x.disconnect('u2');
    await waitFor(() => presence.isOnline('u3') && !presence.isOnline('u2'), { timeoutMs: 5000, message: 'later transitions applied' });
    await expectConverged(presence, tester);
  });

  it('does not let the transitions heard after the snapshot reply that are older than it undo it', async () => {
    const { presence, snapshot, messages, tester } = await startWithTransitionsAroundTheSnapshot();
    snapshot.deliver.open();
    await waitFor(() => presence.isOnline('u0'), { timeoutMs: 5000, message: 'the snapshot loaded' });
    // The snapshot already says u1 left, and u3 is still online in it.
    expect(presence.state('u1')).toMatchObject({ online: false, lastSeen: expect.any(String) });
    expect(presence.isOnline('u3')).toBe(true);
    messages.release();
    await waitFor(() => presence.isOnline('u2') && !presence.isOnline('u3'), { timeoutMs: 5000, message: 'the newer transitions applied' });
    expect(presence.isOnline('u1')).toBe(false);
    await expectConverged(presence, tester);
  });

  it('after Redis lost its data, keeps a transition heard before the reload\'s snapshot reply, though its version restarted below the replica\'s', async () => {
    redis = await startRedis();
    const tester = await connected(redis.url);
    const x = otherNode(tester);
    await x.connect('u0');
    const { command, messages, start } = await startPresence(redis.url);
    const presence = start();
    await waitFor(() => presence.isOnline('u0'), { timeoutMs: 5000, message: 'the first snapshot loaded' });
    await x.connect('u1');
    await x.connect('u2');
    await waitFor(() => presence.isOnline('u2'), { timeoutMs: 5000, message: 'u2 online' });

    // Redis loses everything (its version counter too); the subscriber's reconnection reloads the replica.
    const reload = command.holdNext();
    await tester.flushAll();
    await tester.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
    await reload.requested;
    reload.send.open();
    await reload.executed;
    // Node x re-registers the one user it still holds: 'on u2', version 1 of the new count.
    const heard = messages.heard;
    await tester.eval(REGISTER, { keys: [], arguments: [PREFIX, 'x', new Date().toISOString(), '0', '180000', 'u2', '1'] });
    await waitFor(() => messages.heard === heard + 1, { timeoutMs: 5000, message: 'the re-registration heard' });
    reload.deliver.open();
    await waitFor(() => !presence.isOnline('u1'), { timeoutMs: 5000, message: 'the reload loaded' });

    expect(presence.isOnline('u2')).toBe(true);
    await expectConverged(presence, tester);
  });
});
