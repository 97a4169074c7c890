/**
 * The plain Socket.IO baseline the project is measured against: what a
 * competent team would write by hand in an afternoon, and nothing more.
 *
 * - JWT check in the handshake (HS256, `userId` or `sub` claim);
 * - `conversation:create` / `conversation:join` put a socket in a room (no
 *   participant check: the baseline keeps no state it does not need);
 * - `message:send` stamps id/seq/createdAt, acks, and broadcasts `message:new`
 *   to the room except the sender;
 * - no presence, no rate limit, no validation, no dedupe, no history.
 *
 * With `durable`, it is the floor of a durable send (the `store-floor`
 * scenario): every send is stored in PostgreSQL before its ack, by plain
 * group commit (the sends that arrive while a batch is in flight go as the
 * next batch: one INSERT, one commit), into a table with only its primary
 * key (conversation, seq). No idempotency key, no read cursor, no row lock
 * (seq is counted in this process, so one node only). Anything socketkit's
 * PostgreSQL store does costs at least this on the same machine.
 *
 * It speaks the same event names and payload shapes as socketkit so the same
 * load generator drives both.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { Server, type ServerOptions } from 'socket.io';

/** Options of {@link createBaselineServer}. */
export interface BaselineServerOptions {
  port?: number;
  host?: string;
  secret: string;
  /** `listen()` backlog; the bench gives both servers the same. */
  backlog?: number;
  /**
   * Several nodes (bench/cluster.ts): a Socket.IO adapter, e.g. the Redis
   * Streams adapter, with connection state recovery on as socketkit has it
   * on a cluster. Without it: one process, the in-memory adapter.
   */
  adapter?: ServerOptions['adapter'];
  /** Store every send in this PostgreSQL database before its ack (see the header). */
  durable?: { databaseUrl: string };
}

/** A running baseline server. */
export interface BaselineServer {
  url: string;
  port: number;
  io: Server;
  httpServer: HttpServer;
  close(): Promise<void>;
}

interface BaselineMessage {
  id: string;
  seq: number;
  conversationId: string;
  senderId: string;
  content: string;
  createdAt: string;
  clientMessageId: string;
}

type AckFn = (answer: object) => void;

/** Starts the baseline on `host:port` (port 0 picks a free one). */
export async function createBaselineServer(options: BaselineServerOptions): Promise<BaselineServer> {
  const httpServer = createServer();
  // A key made once, as socketkit's server does: jsonwebtoken given a string
  // secret tries it as a PEM public key first, on every verify.
  const key = createSecretKey(Buffer.from(options.secret));
  const io = new Server(httpServer, {
    maxHttpBufferSize: 1_000_000,
    pingInterval: 25_000,
    pingTimeout: 60_000,
    ...(options.adapter
      ? { adapter: options.adapter, connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false } }
      : {}),
  });
  const seqByRoom = new Map<string, number>();
  let nextConversation = 0;
  let nextMessage = 0;
  const store = options.durable ? await durableFloor(options.durable.databaseUrl) : undefined;

  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown }).token;
    if (typeof token !== 'string') return next(new Error('Authentication error: token missing'));
    try {
      const claims = jwt.verify(token, key, { algorithms: ['HS256'] }) as jwt.JwtPayload;
      const userId = claims.userId ?? claims.sub;
      if (userId === undefined) return next(new Error('Authentication error: no user'));
      socket.data.userId = String(userId);
      next();
    } catch {
      next(new Error('Authentication error: token invalid'));
    }
  });

  io.on('connection', (socket) => {
    const userId = socket.data.userId as string;
    socket.on('conversation:create', (_payload: unknown, ack?: AckFn) => {
      const id = `c${++nextConversation}`;
      ack?.({ ok: true, conversation: { id, title: null, participantIds: [], createdAt: new Date().toISOString() } });
    });
    socket.on('conversation:join', (conversationId: string, ack?: AckFn) => {
      const room = `conversation:${conversationId}`;
      void socket.join(room);
      ack?.({ ok: true, conversationId, room, participantIds: [], lastSeq: seqByRoom.get(room) ?? 0 });
    });
    socket.on('message:send', (payload: { conversationId: string; content: string; clientMessageId: string }, ack?: AckFn) => {
      const room = `conversation:${payload.conversationId}`;
      const seq = (seqByRoom.get(room) ?? 0) + 1;
      seqByRoom.set(room, seq);
      const message: BaselineMessage = {
        id: `m${++nextMessage}`,
        seq,
        conversationId: payload.conversationId,
        senderId: userId,
        content: payload.content,
        createdAt: new Date().toISOString(),
        clientMessageId: payload.clientMessageId,
      };
      const deliver = () => {
        socket.to(room).emit('message:new', message);
        ack?.({ ok: true, message });
      };
      if (store) store.append(message).then(deliver, (error: unknown) => ack?.({ ok: false, error: { code: 'INTERNAL', message: String(error) } }));
      else deliver();
    });
  });

  await new Promise<void>((resolve) => httpServer.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1', backlog: options.backlog }, resolve));
  const port = (httpServer.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    io,
    httpServer,
    close: () =>
      new Promise<void>((resolve) => {
        io.close(() => resolve());
      }).then(() => store?.close()),
  };
}

/** Group commit into one table: `append` resolves after the commit of the batch that holds the message. */
async function durableFloor(databaseUrl: string): Promise<{ append(message: BaselineMessage): Promise<void>; close(): Promise<void> }> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  await pool.query(`CREATE TABLE IF NOT EXISTS baseline_messages (
    conversation_id text NOT NULL, seq bigint NOT NULL, id text NOT NULL, sender_id text NOT NULL,
    content text NOT NULL, client_message_id text NOT NULL, created_at timestamptz NOT NULL,
    PRIMARY KEY (conversation_id, seq))`);
  let waiting: { message: BaselineMessage; resolve(): void; reject(error: unknown): void }[] = [];
  let inFlight = false;
  const flush = (): void => {
    if (inFlight || waiting.length === 0) return;
    const batch = waiting;
    waiting = [];
    inFlight = true;
    const column = <K extends keyof BaselineMessage>(key: K) => batch.map(({ message }) => message[key]);
    pool
      .query(
        `INSERT INTO baseline_messages (conversation_id, seq, id, sender_id, content, client_message_id, created_at)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])`,
        [column('conversationId'), column('seq'), column('id'), column('senderId'), column('content'), column('clientMessageId'), column('createdAt')],
      )
      .then(
        () => batch.forEach((entry) => entry.resolve()),
        (error: unknown) => batch.forEach((entry) => entry.reject(error)),
      )
      .finally(() => {
        inFlight = false;
        flush();
      });
  };
  return {
    append: (message) =>
      new Promise<void>((resolve, reject) => {
        waiting.push({ message, resolve, reject });
        if (waiting.length === 1) setImmediate(flush);
      }),
    close: () => pool.end(),
  };
}
