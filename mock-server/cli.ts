#!/usr/bin/env node
/**
 * `socketkit-mock-server`: the bundled server on the command line.
 *
 *   socketkit-mock-server [--port 3001] [--host 127.0.0.1] [--secret S]
 *                         [--seed default|none|FILE] [--latency MS] [--quiet]
 *
 * Env: PORT, JWT_SECRET, CLIENT_URL, NODE_ENV. Listens until SIGINT/SIGTERM,
 * then closes every socket and exits 0.
 */
import { parseArgs } from 'node:util';
import { createMockServer } from './index.js';

const USAGE = `Usage: socketkit-mock-server [options]

  --port N        port to listen on (env PORT, default 3001; 0 = any free port)
  --host H        interface to bind (default 127.0.0.1)
  --secret S      JWT secret (env JWT_SECRET; required when NODE_ENV=production)
  --seed X        default | none | path to a JSON seed file (default: default)
  --latency MS    delay before each socket event is handled (default 0)
  --quiet         no log lines
  -h, --help      this help

Env: CLIENT_URL (allowed CORS origins, comma separated), NODE_ENV=production
turns off the development endpoints (POST /auth/token, /dev/*).`;

function fail(message: string): never {
  console.error(`socketkit-mock-server: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function toInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535 * 1000) fail(`${name} must be a non-negative integer`);
  return value;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        secret: { type: 'string' },
        seed: { type: 'string' },
        latency: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = toInt('--port', values.port ?? process.env.PORT, 3001);
  if (port > 65535) fail('--port must be at most 65535');
  const secret = values.secret ?? process.env.JWT_SECRET;
  if (!secret && process.env.NODE_ENV === 'production') {
    console.error('socketkit-mock-server: JWT_SECRET (or --secret) is required when NODE_ENV=production; refusing to start.');
    process.exit(1);
  }

  // Handlers go in before anything is printed: whoever waits for the
  // "listening" line may signal at once.
  let server: Awaited<ReturnType<typeof createMockServer>> | null = null;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (!values.quiet) console.log(`socketkit mock server: ${signal}, closing`);
    // A stuck close must not keep the process alive forever.
    setTimeout(() => process.exit(1), 5000).unref();
    (server ? server.close() : Promise.resolve()).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  server = await createMockServer({
    port,
    host: values.host ?? '127.0.0.1',
    secret,
    seed: values.seed ?? 'default',
    latencyMs: toInt('--latency', values.latency, 0),
    quiet: values.quiet ?? false,
  });
  // A signal during start-up: close what just opened.
  if (stopping) {
    await server.close();
    process.exit(0);
  }
  console.log(`socketkit mock server listening on ${server.url}`);
}

main().catch((error: unknown) => {
  console.error(`socketkit-mock-server: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
