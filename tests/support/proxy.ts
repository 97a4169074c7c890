/**
 * A TCP proxy in front of the test server, for real network faults in client
 * tests: `cut()` drops open connections, `block()` refuses (or holds) new
 * ones, `stall()` swallows what the server sends (a lost ack), `blackhole()`
 * leaves the open connections hanging for good (a server that vanished without
 * a reset, as after a failover) while new ones pass, `restore()` heals the rest.
 *
 * @example
 * const proxy = await startProxy(server.port);
 * const client = createRealtimeClient({ url: proxy.url, … });
 * proxy.cut(); proxy.block(); // the network is down
 * proxy.restore();            // and back
 * await proxy.close();
 */
import net from 'node:net';

export interface TcpProxy {
  /** `http://127.0.0.1:<port>`: give this to the client instead of the server's URL. */
  url: string;
  port: number;
  /** Open client connections now. */
  readonly connections: number;
  /** Destroy every open connection (both sides see the TCP connection end). */
  cut(): void;
  /** New connections are refused (closed at once), or with `'hold'` accepted and never answered. */
  block(mode?: 'refuse' | 'hold'): void;
  /** Keep connections open but drop everything the server sends; `restore()` then cuts them. */
  stall(): void;
  /** The open connections stay open and carry nothing more, either way, ever; new ones are forwarded (unless blocked). */
  blackhole(): void;
  /** Forward new connections again (held ones are dropped) and stop stalling. */
  restore(): void;
  /** Cut everything and stop listening. */
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1, port 0, forwarding to `targetPort` on 127.0.0.1. */
export async function startProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket; dead: boolean }>();
  const held = new Set<net.Socket>();
  let mode: 'open' | 'refuse' | 'hold' = 'open';
  let stalled = false;

  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  };

  const server = net.createServer((client) => {
    track(client);
    if (mode === 'refuse') return void client.destroy();
    if (mode === 'hold') {
      held.add(client);
      client.on('close', () => held.delete(client));
      return;
    }
    const upstream = net.connect(targetPort, targetHost);
    track(upstream);
    const pair = { client, upstream, dead: false };
    pairs.add(pair);
    client.on('close', () => {
      pairs.delete(pair);
      upstream.destroy();
    });
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (!stalled && !pair.dead) client.write(chunk);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  const cut = () => {
    for (const socket of sockets) socket.destroy();
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get connections() {
      return pairs.size;
    },
    cut,
    block(next = 'refuse') {
      mode = next;
    },
    stall() {
      stalled = true;
    },
    blackhole() {
      for (const pair of pairs) {
        pair.dead = true;
        pair.client.unpipe(pair.upstream);
      }
    },
    restore() {
      // A stream that lost bytes cannot carry on: its connections go.
      if (stalled) cut();
      mode = 'open';
      stalled = false;
      for (const socket of held) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        cut();
        server.close(() => resolve());
      }),
  };
}
