/**
 * HAProxy (Debian's `haproxy`, /usr/sbin/haproxy) in front of test nodes,
 * run with the configuration block of docs/deploy.md so the
 * documented example is the one tested. Stopped by PID.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './net.js';

export const HAPROXY = process.env.HAPROXY ?? '/usr/sbin/haproxy';
const DOC = fileURLToPath(new URL('../../docs/deploy.md', import.meta.url));

export interface TestHaproxy {
  url: string;
  stop(): Promise<void>;
}

/** The ```haproxy block of the deployment doc. */
export function documentedConfig(): string {
  const match = /```haproxy\n([\s\S]*?)```/.exec(readFileSync(DOC, 'utf8'));
  if (!match?.[1]) throw new Error('docs/deploy.md has no ```haproxy block');
  return match[1];
}

/** Starts HAProxy with the documented config, its two servers pointed at `ports`, listening on a free port. */
export async function startHaproxy(ports: [number, number]): Promise<TestHaproxy> {
  const port = await freePort();
  const config = documentedConfig()
    .replace('bind :8080', `bind 127.0.0.1:${port}`)
    .replace('10.0.0.11:3001', `127.0.0.1:${ports[0]}`)
    .replace('10.0.0.12:3001', `127.0.0.1:${ports[1]}`);
  const dir = mkdtempSync(join(tmpdir(), 'socketkit-haproxy-'));
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, config);
  const child = spawn(HAPROXY, ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited (${child.exitCode}): ${stderr}`);
    const up = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error(`haproxy did not answer within 10 s: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
