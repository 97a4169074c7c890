/**
 * A load-generator process: holds a slice of the benchmark's clients (stock
 * socket.io-client sockets, WebSocket only) and runs the ops the parent asks
 * for over IPC. Receivers track deliveries by `seq` per conversation, so a
 * lost or duplicated `message:new` is counted exactly and cheaply.
 */
import { createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { io, type Socket } from 'socket.io-client';
import { now, sleep } from './lib/clock.js';
import { serveRpc } from './lib/ipc.js';

interface Client {
  userId: string;
  socket: Socket;
  conversationId?: string;
  /** seen[seq] = times `message:new` with that seq arrived. */
  seen: Uint8Array;
  unique: number;
  dups: number;
  misrouted: number;
  watched: string[];
  /** Presence as this client knows it (ack snapshot + events). */
  online: Map<string, boolean>;
  closing: boolean;
}

interface Ack {
  ok: boolean;
  error?: { code: string };
  conversation?: { id: string };
  users?: { userId: string; online: boolean }[];
}

const clients = new Map<string, Client>();
const state = {
  url: '',
  secret: '',
  recordLatency: false,
  latencies: [] as number[],
  firstReceiveAt: 0,
  lastReceiveAt: 0,
  lastPresenceAt: 0,
  /** Presence packets received (`user:online`, `user:offline`, `presence:changes`). */
  presencePackets: 0,
  drops: 0,
};

function onMessage(client: Client, message: { seq: number; conversationId: string; content: string }): void {
  const t = now();
  if (state.firstReceiveAt === 0) state.firstReceiveAt = t;
  state.lastReceiveAt = t;
  if (message.conversationId !== client.conversationId) {
    client.misrouted++;
    return;
  }
  if (message.seq >= client.seen.length) {
    const grown = new Uint8Array(Math.max(message.seq + 1, client.seen.length * 2));
    grown.set(client.seen);
    client.seen = grown;
  }
  const count = client.seen[message.seq] ?? 0;
  client.seen[message.seq] = count + 1;
  if (count > 0) client.dups++;
  else client.unique++;
  if (state.recordLatency) {
    const sentAt = Number(message.content.slice(1, message.content.indexOf(' ')));
    state.latencies.push(t - sentAt);
  }
}

function onPresencePacket(client: Client, changes: { userId: string; online: boolean }[]): void {
  state.presencePackets++;
  for (const change of changes) setPresence(client, change.userId, change.online);
}

function setPresence(client: Client, userId: string, online: boolean): void {
  client.online.set(userId, online);
  state.lastPresenceAt = now();
}

function makeClient(userId: string, token: string, timeoutMs: number, watch: string[] | undefined): Client {
  const socket = io(state.url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: timeoutMs,
    // As the socketkit client does: protocol v1.1, so the project batches presence
    // into `presence:changes`, and the users to watch go in the handshake (the
    // baseline ignores both fields).
    auth: watch ? { token, protocol: '1.1', presence: watch } : { token, protocol: '1.1' },
  });
  const client: Client = {
    userId,
    socket,
    seen: new Uint8Array(64),
    unique: 0,
    dups: 0,
    misrouted: 0,
    watched: [],
    online: new Map(),
    closing: false,
  };
  socket.on('message:new', (m: { seq: number; conversationId: string; content: string }) => onMessage(client, m));
  socket.on('user:online', (p: { userId: string }) => onPresencePacket(client, [{ userId: p.userId, online: true }]));
  socket.on('user:offline', (p: { userId: string }) => onPresencePacket(client, [{ userId: p.userId, online: false }]));
  socket.on('presence:changes', (p: { changes: { userId: string; online: boolean }[] }) => onPresencePacket(client, p.changes));
  socket.on('disconnect', () => {
    if (!client.closing) state.drops++;
  });
  return client;
}

function presenceRight(client: Client, offline: ReadonlySet<string>): boolean {
  for (const id of client.watched) {
    if ((client.online.get(id) ?? false) !== !offline.has(id)) return false;
  }
  return true;
}

/** Connects `users`, at most `concurrency` handshakes in flight; with `watch`, each names the users it watches in its handshake. */
async function connect(args: {
  users: string[];
  concurrency: number;
  timeoutMs: number;
  watch?: Record<string, string[]>;
}): Promise<object> {
  // A key made once: given a string secret, jsonwebtoken tries it as a PEM key on every call (≈ 0.2 ms each).
  const key = createSecretKey(Buffer.from(state.secret));
  const tokens = args.users.map((userId) => jwt.sign({ userId }, key, { algorithm: 'HS256', expiresIn: '2h' }));
  const start = now();
  let connected = 0;
  let failed = 0;
  let subscribed = 0;
  let subscribeFailed = 0;
  const errors = new Set<string>();
  let next = 0;
  await new Promise<void>((resolve) => {
    const deadline = setTimeout(resolve, args.timeoutMs + 5_000);
    const settle = (): void => {
      if (connected + failed === args.users.length) {
        clearTimeout(deadline);
        resolve();
      } else launch();
    };
    const launch = (): void => {
      while (next < args.users.length && next - connected - failed < args.concurrency) {
        const i = next++;
        const userId = args.users[i] as string;
        const watch = args.watch?.[userId];
        const client = makeClient(userId, tokens[i] as string, args.timeoutMs, watch);
        clients.set(userId, client);
        if (watch) {
          client.watched = watch;
          // The handshake's subscription is answered in `connection:established` (protocol v1.1).
          client.socket.once('connection:established', (established: { presence?: Ack }) => {
            const ack = established.presence;
            if (!ack?.ok) {
              subscribeFailed++;
              errors.add(ack?.error?.code ?? 'no presence in connection:established');
              return;
            }
            subscribed++;
            for (const u of ack.users ?? []) if (!client.online.has(u.userId)) setPresence(client, u.userId, u.online);
          });
        }
        client.socket.once('connect', () => {
          connected++;
          settle();
        });
        client.socket.once('connect_error', (err: Error) => {
          failed++;
          errors.add(err.message);
          settle();
        });
      }
    };
    launch();
  });
  const connectedAt = now();
  if (args.watch) {
    // Every watched user of the run is online now: wait until each view says so.
    const none = new Set<string>();
    const deadline = now() + args.timeoutMs;
    while (now() < deadline) {
      if (subscribed + subscribeFailed >= connected && [...clients.values()].every((c) => presenceRight(c, none))) break;
      await sleep(20);
    }
  }
  const wrong = args.watch ? [...clients.values()].filter((c) => !presenceRight(c, new Set())).length : 0;
  return {
    connected,
    failed,
    subscribed,
    subscribeFailed,
    presenceWrong: wrong,
    start,
    connectedAt,
    presenceAt: args.watch ? Math.max(state.lastPresenceAt, connectedAt) : connectedAt,
    errors: [...errors].slice(0, 5),
  };
}

/** Runs `event` for every client in `assignments`, at most 200 in flight. */
async function requestAll(event: string, payloads: [string, unknown][]): Promise<{ ok: number; failed: number; acks: Ack[]; errors: string[] }> {
  let ok = 0;
  let failed = 0;
  const acks: Ack[] = [];
  const errors = new Set<string>();
  for (let i = 0; i < payloads.length; i += 200) {
    await Promise.all(
      payloads.slice(i, i + 200).map(([userId, payload], j) => {
        const client = clients.get(userId);
        if (!client) {
          failed++;
          errors.add(`no client ${userId}`);
          return undefined;
        }
        return client.socket
          .timeout(30_000)
          .emitWithAck(event, payload)
          .then(
            (ack: Ack) => {
              acks[i + j] = ack;
              if (ack.ok) ok++;
              else {
                failed++;
                errors.add(ack.error?.code ?? 'unknown');
              }
            },
            (err: unknown) => {
              failed++;
              errors.add(String(err));
            },
          );
      }),
    );
  }
  return { ok, failed, acks, errors: [...errors].slice(0, 5) };
}

interface SendArgs {
  senders: { userId: string }[];
  /** Messages per second per sender; 0 = as fast as acks allow (`window` in flight). */
  rate: number;
  window: number;
  durationMs: number;
  maxPerSender: number;
  /** Part of every clientMessageId, so a second phase never repeats the first one's ids (the project dedupes them). */
  phase: string;
}

/** Sends messages from each sender; returns acks per conversation and sender, ack latencies. */
async function send(args: SendArgs): Promise<object> {
  const ackLatencies: number[] = [];
  const ackedByConversation: Record<string, number> = {};
  const ackedBySender: Record<string, number> = {};
  const errors: Record<string, number> = {};
  let sent = 0;
  const start = now();
  const end = start + args.durationMs;
  const pad = 'x'.repeat(40);
  const one = (client: Client, n: number): Promise<void> => {
    const sentAt = now();
    sent++;
    const payload = { conversationId: client.conversationId, content: `t${sentAt.toFixed(3)} ${pad}`, clientMessageId: `${client.userId}-${args.phase}-${n}` };
    return client.socket
      .timeout(30_000)
      .emitWithAck('message:send', payload)
      .then(
        (ack: Ack) => {
          ackLatencies.push(now() - sentAt);
          if (ack.ok) {
            const c = client.conversationId as string;
            ackedByConversation[c] = (ackedByConversation[c] ?? 0) + 1;
            ackedBySender[client.userId] = (ackedBySender[client.userId] ?? 0) + 1;
          } else {
            const code = ack.error?.code ?? 'unknown';
            errors[code] = (errors[code] ?? 0) + 1;
          }
        },
        () => {
          errors.TIMEOUT = (errors.TIMEOUT ?? 0) + 1;
        },
      );
  };
  const runSender = async (client: Client): Promise<void> => {
    let n = 0;
    if (args.rate > 0) {
      const pending: Promise<void>[] = [];
      const interval = 1000 / args.rate;
      // Offsets spread the senders over one interval so they do not fire in lockstep.
      const offset = Math.random() * interval;
      while (n < args.maxPerSender) {
        const due = start + offset + n * interval;
        if (due > end) break;
        const wait = due - now();
        if (wait > 0) await sleep(wait);
        pending.push(one(client, n++));
      }
      await Promise.all(pending);
      return;
    }
    const lane = async (): Promise<void> => {
      while (now() < end && n < args.maxPerSender) await one(client, n++);
    };
    await Promise.all(Array.from({ length: args.window }, lane));
  };
  await Promise.all(args.senders.map((s) => clients.get(s.userId)).filter((c): c is Client => c !== undefined).map(runSender));
  return { sent, start, end: now(), ackLatencies, ackedByConversation, ackedBySender, errors };
}

function totals(): object {
  let unique = 0;
  let dups = 0;
  let misrouted = 0;
  for (const c of clients.values()) {
    unique += c.unique;
    dups += c.dups;
    misrouted += c.misrouted;
  }
  const cpu = process.cpuUsage();
  return { unique, dups, misrouted, drops: state.drops, presencePackets: state.presencePackets, firstReceiveAt: state.firstReceiveAt, lastReceiveAt: state.lastReceiveAt, cpuUs: cpu.user + cpu.system };
}

/** Compares each client's deliveries with what the acks promise. */
function verify(args: { ackedByConversation: Record<string, number>; ackedBySender: Record<string, number> }): object {
  let expected = 0;
  let lost = 0;
  let unexpected = 0;
  for (const c of clients.values()) {
    if (c.conversationId === undefined) continue;
    const want = (args.ackedByConversation[c.conversationId] ?? 0) - (args.ackedBySender[c.userId] ?? 0);
    expected += want;
    if (c.unique < want) lost += want - c.unique;
    if (c.unique > want) unexpected += c.unique - want;
  }
  return { expected, lost, unexpected, ...totals() };
}

serveRpc({
  /** Starts a run: forgets every client and figure of the previous one. */
  init: (args: { url: string; secret: string }) => {
    for (const c of clients.values()) {
      c.closing = true;
      c.socket.disconnect();
    }
    clients.clear();
    Object.assign(state, { url: args.url, secret: args.secret, recordLatency: false, latencies: [], firstReceiveAt: 0, lastReceiveAt: 0, lastPresenceAt: 0, presencePackets: 0, drops: 0 });
    return true;
  },
  connect,
  create: async (args: { rooms: { creator: string; participantIds: string[] }[] }) => {
    const r = await requestAll(
      'conversation:create',
      args.rooms.map((room) => [room.creator, { participantIds: room.participantIds }]),
    );
    return { ...r, ids: r.acks.map((a) => a.conversation?.id ?? null), acks: undefined };
  },
  join: async (args: { assignments: Record<string, string> }) => {
    for (const [userId, conversationId] of Object.entries(args.assignments)) {
      const client = clients.get(userId);
      if (client) client.conversationId = conversationId;
    }
    const r = await requestAll('conversation:join', Object.entries(args.assignments));
    return { ...r, acks: undefined };
  },
  send,
  recordLatency: (args: { on: boolean }) => {
    state.recordLatency = args.on;
    state.latencies = [];
    return true;
  },
  latencies: () => state.latencies,
  totals,
  verify,
  /** Closes the given users' sockets (all when none given); returns when it did so. */
  close: (args: { users?: string[] }) => {
    const chosen = args.users ? args.users.map((u) => clients.get(u)).filter((c): c is Client => c !== undefined) : [...clients.values()];
    const at = now();
    for (const c of chosen) {
      c.closing = true;
      c.socket.disconnect();
      clients.delete(c.userId);
    }
    return { closed: chosen.length, at };
  },
  /** Waits until every remaining client's presence view matches: `offline` users offline, the rest online. */
  waitPresence: async (args: { offline: string[]; timeoutMs: number }) => {
    const offline = new Set(args.offline);
    const deadline = now() + args.timeoutMs;
    const right = (): boolean => [...clients.values()].every((c) => presenceRight(c, offline));
    while (!right() && now() < deadline) await sleep(20);
    const wrong = [...clients.values()].filter((c) => !presenceRight(c, offline)).length;
    return { wrong, lastPresenceAt: state.lastPresenceAt };
  },
  memory: () => process.memoryUsage().rss,
});
