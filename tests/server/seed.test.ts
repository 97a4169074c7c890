import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Conversation, UserProfile } from 'socketkit/protocol';
import { createMockServer, type SeedData } from 'socketkit/mock-server';
import { startServer, type TestServer } from '../support/server.js';
import { emitAck } from '../support/wait.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.cleanup();
  server = undefined;
});

const get = async <T>(s: TestServer, path: string, userId: string): Promise<T> =>
  (await (await fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${s.token(userId)}` } })).json()) as T;

describe('seed data', () => {
  it('default: six named users and five conversations', async () => {
    server = await startServer();
    const { users } = await get<{ users: UserProfile[] }>(server, '/api/users', 'alice');
    expect(users.map((u) => `${u.id}:${u.name}`)).toEqual([
      'alice:Alice Martin',
      'bob:Bob Chen',
      'carol:Carol Díaz',
      'dave:Dave Okafor',
      'erin:Erin Novak',
      'frank:Frank Weber',
    ]);
    const { conversations } = await get<{ conversations: Conversation[] }>(server, '/api/conversations', 'alice');
    const byId = new Map(conversations.map((c) => [c.id, c]));
    expect([...byId.keys()].sort()).toEqual(['alice-bob', 'design', 'empty', 'general', 'long-history']);
    expect(byId.get('general')?.participantIds).toHaveLength(6);
    expect(byId.get('design')?.participantIds).toEqual(['alice', 'carol', 'dave']);
    expect(byId.get('empty')?.participantIds).toEqual(['alice', 'bob', 'carol']);
    const alice = await server.connect('alice');
    const lastSeqs = await Promise.all(
      ['general', 'alice-bob', 'design', 'long-history', 'empty'].map((id) =>
        emitAck<{ lastSeq: number }>(alice, 'conversation:join', id).then((a) => a.lastSeq),
      ),
    );
    expect(lastSeqs[3]).toBe(10_000);
    expect(lastSeqs[4]).toBe(0);
    expect(lastSeqs.slice(0, 3).every((n) => n >= 2)).toBe(true);
  });

  it('none: no users, no conversations', async () => {
    server = await startServer({ seed: 'none' });
    expect(await get(server, '/api/users', 'x')).toEqual({ users: [] });
    expect(await get(server, '/api/conversations', 'x')).toEqual({ conversations: [], hasMore: false });
  });

  it('reads a JSON seed file', async () => {
    const seed: SeedData = {
      users: [{ id: 'u1', name: 'User One' }],
      conversations: [{ id: 'room', title: 'Room', participantIds: ['u1', 'u2'], messages: [{ senderId: 'u2', content: 'hi' }] }],
    };
    const file = join(mkdtempSync(join(tmpdir(), 'socketkit-seed-')), 'seed.json');
    writeFileSync(file, JSON.stringify(seed));
    server = await startServer({ seed: file });
    const { conversations } = await get<{ conversations: Conversation[] }>(server, '/api/conversations', 'u1');
    expect(conversations).toMatchObject([{ id: 'room', title: 'Room', participantIds: ['u1', 'u2'] }]);
    const page = await get<{ messages: { content: string; seq: number }[] }>(server, '/api/conversations/room/messages', 'u1');
    expect(page.messages).toMatchObject([{ seq: 1, content: 'hi' }]);
  });

  it('refuses a seed file of the wrong shape with a clear message', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'socketkit-seed-')), 'bad.json');
    writeFileSync(file, JSON.stringify({ users: 'nope' }));
    await expect(createMockServer({ port: 0, secret: 's', quiet: true, seed: file })).rejects.toThrow(/a seed is/);
  });
});

describe('createMockServer', () => {
  it('rejects cleanly when the port is taken', async () => {
    server = await startServer();
    await expect(createMockServer({ port: server.port, secret: 's', quiet: true })).rejects.toThrow(/EADDRINUSE/);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});

describe('seed data module', () => {
  it('has no Node imports, so Storybook and browser code can import it', async () => {
    const { readFileSync } = await import('node:fs');
    const source = readFileSync(new URL('../../mock-server/seed-data.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/from 'node:/);
    const { defaultSeed } = await import('../../mock-server/seed-data.js');
    expect(defaultSeed().users.map((u) => u.id)).toEqual(['alice', 'bob', 'carol', 'dave', 'erin', 'frank']);
  });
});
