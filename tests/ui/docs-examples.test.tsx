/**
 * Issue 20, point 5: the code of README.md and docs/ runs as written. Every
 * TypeScript / JavaScript block is either run here (info string
 * `example=NAME`) or marked `fragment` (a piece of a larger program). The
 * README quick start's two blocks run against each other: the backend block
 * (socketkit and the token route) and the React App block, rendered in jsdom.
 * The one change is the port (3001 → a free one); relative `fetch` URLs go to
 * the backend, as the documented dev proxy does.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import type { ComponentType } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { RealtimeClient } from 'socketkit';
import type { SocketkitServer } from 'socketkit/server';
import { REPO, blocksOf, docFiles, exampleBlock } from '../support/doc-blocks.js';
import { freePort } from '../support/net.js';

const DIR = `${REPO}tests/.docs-examples/`;
const CODE = /^(ts|tsx|js|jsx|mjs|cjs|javascript|typescript)$/;
const realFetch = globalThis.fetch;
const disposers: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  cleanup();
  globalThis.fetch = realFetch;
  for (const dispose of disposers.splice(0).reverse()) await dispose();
});

/** Writes the block marked `example=name` under tests/.docs-examples/ (port replaced, `extra` appended) and imports it. */
async function runExample<T>(name: string, port: number, extra = ''): Promise<T> {
  const path = `${DIR}${name}`;
  mkdirSync(path.slice(0, path.lastIndexOf('/')), { recursive: true });
  writeFileSync(path, exampleBlock(name).code.replaceAll('3001', String(port)) + extra);
  return (await import(/* @vite-ignore */ path)) as T;
}

describe('README and docs code blocks', () => {
  it('every TypeScript / JavaScript block is run by a test (example=…) or marked a fragment', () => {
    const blocks = docFiles().flatMap(blocksOf).filter((b) => CODE.test(b.language));
    expect(blocks.filter((b) => !b.example && !b.fragment).map((b) => `${b.file}:${b.line}`)).toEqual([]);
    expect(blocks.filter((b) => b.example).map((b) => b.example)).toEqual(['quickstart/server.ts', 'quickstart/App.tsx']);
  });

  it('the quick start: the backend block and the App block connect, join "general" and send', async () => {
    process.env.JWT_SECRET = 'docs-example-secret';
    disposers.push(() => void delete process.env.JWT_SECRET);
    // The block logs to the console as documented (the default logger): captured here, and checked.
    const logged: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void logged.push(String(line)));
    const warn = vi.spyOn(console, 'warn').mockImplementation((line: unknown) => void logged.push(String(line)));
    disposers.push(() => {
      log.mockRestore();
      warn.mockRestore();
    });
    const port = await freePort();
    const backend = await runExample<{ httpServer: HttpServer; socketkit: SocketkitServer }>(
      'quickstart/server.ts',
      port,
      '\nexport { httpServer, socketkit };\n',
    );
    disposers.push(() => backend.socketkit.close());
    if (!backend.httpServer.listening) await new Promise((resolve) => backend.httpServer.once('listening', resolve));
    // The page's `/api` is proxied to the backend (README: Vite's server.proxy).
    globalThis.fetch = (input, init) => realFetch(new URL(String(input), `http://127.0.0.1:${port}`), init);

    const page = await runExample<{ App: ComponentType; client: RealtimeClient }>('quickstart/App.tsx', port, '\nexport { client };\n');
    disposers.push(() => page.client.destroy());
    const { container } = render(<page.App />);
    await waitFor(
      () => expect(container.querySelector('.sk-chat[data-status="joined"][data-connection="connected"]'), JSON.stringify(page.client.connection.getSnapshot())).not.toBeNull(),
      { timeout: 10_000 },
    );
    fireEvent.change(screen.getByRole('textbox', { name: 'Message' }), { target: { value: 'Hello from the quick start' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(async () => expect((await backend.socketkit.store.history({ conversationId: 'general', limit: 10 })).messages).toHaveLength(1), {
      timeout: 10_000,
    });
    // Since tracing (issue 18) a line is the message, then its fields as key=value.
    expect(logged.some((line) => /^\[socketkit\] join userId=alice socketId=\S+ conversationId=general$/.test(line)), logged.join('\n')).toBe(true);
    expect(logged.filter((line) => !line.startsWith('[socketkit] '))).toEqual([]);
  }, 30_000);

  it("the token contract: the quick start's getToken reads what server.md's route answers", () => {
    const route = docFiles()
      .flatMap(blocksOf)
      .filter((b) => b.code.includes("app.post('/api/socket-token'"));
    expect(route).toHaveLength(1);
    expect(route[0]!.code).toContain('res.json({ token: signToken(');
    const backend = exampleBlock('quickstart/server.ts').code;
    expect(backend).toContain("req.method === 'POST' && req.url === '/api/socket-token'");
    expect(backend).toContain('JSON.stringify({ token: signToken(');
    const app = exampleBlock('quickstart/App.tsx').code;
    expect(app).toContain("fetch('/api/socket-token', { method: 'POST' })");
    expect(app).toContain('.then((body: { token: string }) => body.token)');
  });
});
