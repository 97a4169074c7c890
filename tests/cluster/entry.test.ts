/**
 * `socketkit/server/redis` used in-process, by package name: two socketkit
 * servers in this process, each on its own Socket.IO `Server` (the app's)
 * and its own node-redis client, joined through one Redis.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { createSocketkitServer, everyoneSeesPresence, type SocketkitServer } from 'socketkit/server';
import { createRedisCluster } from 'socketkit/server/redis';
import { startRedis, type TestRedis } from '../support/redis.js';
import { collect, emitAck, waitFor } from '../support/wait.js';
import { closeClients, connectTo, CLUSTER_SECRET } from './support/cluster.js';

let redis: TestRedis;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  closeClients();
  for (const cleanup of cleanups.reverse()) await cleanup();
  await redis?.stop();
});

async function startInProcess(nodeId: string): Promise<{ url: string; socketkit: SocketkitServer }> {
  const client = createClient({ url: redis.url });
  client.on('error', () => undefined);
  await client.connect();
  const httpServer = http.createServer();
  const io = new Server(httpServer);
  const cluster = createRedisCluster({ redis: client, nodeId });
  const socketkit = createSocketkitServer(io, { cluster, secret: CLUSTER_SECRET, quiet: true, presenceGraceMs: 0, canSeePresence: everyoneSeesPresence });
  await cluster.whenStarted();
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    await socketkit.close();
    await new Promise<void>((resolve) => void io.close(() => resolve()));
    await client.close();
  });
  return { url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`, socketkit };
}

describe('socketkit/server/redis on your own Socket.IO servers', () => {
  it('refuses something that is not a node-redis client', () => {
    expect(() => createRedisCluster({ redis: {} as never })).toThrow(TypeError);
    expect(() => createRedisCluster({ redis: createClient(), heartbeatMs: 5000, nodeTimeoutMs: 1000 })).toThrow(/nodeTimeoutMs/);
  });

  it('joins the cluster: presence, sendToUser and the sync reads see the other server', async () => {
    const [one, two] = await Promise.all([startInProcess('one'), startInProcess('two')]);
    const watcher = await connectTo(one, 'watcher');
    await emitAck(watcher, 'presence:subscribe', { userIds: ['mia'] }, 10_000);
    const online = collect(watcher, 'user:online');
    const mia = await connectTo(two, 'mia');
    await waitFor(() => online.events.length === 1, { timeoutMs: 10_000 });
    await waitFor(() => one.socketkit.isUserOnline('mia') && one.socketkit.getActiveUserIds().includes('mia'), { timeoutMs: 10_000 });

    const notifications = collect(mia, 'notification:new');
    expect(one.socketkit.sendToUser('mia', 'notification:new', { id: 'n', title: 't', body: 'b', createdAt: 'now' })).toBe(0);
    await waitFor(() => notifications.events.length === 1, { timeoutMs: 10_000 });
  });
});
