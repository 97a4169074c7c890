import { createServer, type AddressInfo } from 'node:net';

/**
 * A TCP port on 127.0.0.1 nobody listens on right now (the kernel's choice
 * for port 0). Another process may take it before the caller binds: callers
 * that start a service on it retry with another port when the bind fails.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
