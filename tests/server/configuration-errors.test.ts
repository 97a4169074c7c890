/**
 * Issue 20, point 8: wrong configuration is a TypeError naming the option,
 * before anything starts, not a raw TypeError from inside (`raw.split is not
 * a function`, `Cannot read properties of null (reading 'secret')`).
 */
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createRealtimeClient, type RealtimeClientOptions } from 'socketkit';
import { createMemoryStore, createSocketkitServer, createTokenSigner, signToken, type SocketkitServerOptions } from 'socketkit/server';
import { TEST_SECRET } from '../support/server.js';

const create = (options: unknown) => () => createSocketkitServer(createServer(), { secret: TEST_SECRET, ...(options as SocketkitServerOptions) });

describe('configuration errors name the option', () => {
  it.each([
    ['clientUrl', { clientUrl: 5 }, /^createSocketkitServer: options\.clientUrl: expected a string or an array of strings \(docs\/server\.md lists the options\)$/],
    ['jwt', { jwt: null }, /^createSocketkitServer: options\.jwt: /],
    ['store', { store: {} }, /^createSocketkitServer: options\.store: expected a store with getUser\(\), /],
    ['cluster', { cluster: {} }, /^createSocketkitServer: options\.cluster: expected a cluster \(socketkit\/server\/redis\) with createPresence\(\)/],
    ['logger', { logger: console.log }, /^createSocketkitServer: options\.logger: expected a logger with info\(\), warn\(\), error\(\)/],
    ['presenceGraceMs', { presenceGraceMs: '2s' }, /^createSocketkitServer: options\.presenceGraceMs: /],
    ['path', { path: 'socket.io' }, /^createSocketkitServer: options\.path: /],
  ])('createSocketkitServer: %s', (_name, options, message) => {
    expect(create(options)).toThrow(TypeError);
    expect(create(options)).toThrow(message);
  });

  it('createSocketkitServer: no target, or options that are not an object', () => {
    expect(() => (createSocketkitServer as (...args: unknown[]) => unknown)()).toThrow(
      new TypeError('createSocketkitServer: the first argument must be an http.Server or a Socket.IO Server, got undefined'),
    );
    expect(() => createSocketkitServer(createServer(), null as never)).toThrow(new TypeError('createSocketkitServer: options must be an object, got null'));
  });

  it('a right configuration still starts (and closes)', async () => {
    const server = createSocketkitServer(createServer(), { secret: TEST_SECRET, clientUrl: ['http://localhost:5173'], store: createMemoryStore(), quiet: true });
    await server.close();
  });

  it('createTokenSigner / signToken: options and claims that are not objects', () => {
    expect(() => createTokenSigner(null as never)).toThrow(/^createTokenSigner: options must be an object/);
    expect(() => (signToken as (...args: unknown[]) => unknown)(undefined, { secret: TEST_SECRET })).toThrow(
      /^signToken: claims must be an object with userId \(or sub\), e\.g\. signToken\(\{ userId: 'alice' \}\)/,
    );
  });

  it('createRealtimeClient: no options, or a url that is not a string', () => {
    const make = createRealtimeClient as (options?: unknown) => unknown;
    expect(() => make()).toThrow(new TypeError("createRealtimeClient: url must be the server URL as a string, e.g. { url: 'http://localhost:3001', getToken }; got no options"));
    expect(() => make({ url: 3001, token: 't' } as unknown as RealtimeClientOptions)).toThrow(/^createRealtimeClient: url must be the server URL as a string.*got number$/);
  });
});
