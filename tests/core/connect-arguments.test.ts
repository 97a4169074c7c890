/**
 * Issue 10: the seed's `client.connect(token)` and a client without any token
 * get a clear error instead of ending silently in TOKEN_MISSING.
 */
import { describe, expect, it } from 'vitest';
import { createRealtimeClient } from 'socketkit';
import { fakeClient } from './fake-socket';

describe('connect() argument errors', () => {
  it("refuses the seed's connect(token) with the call to use instead", () => {
    const { client } = fakeClient();
    expect(() => (client.connect as (token: string) => void)('a-token')).toThrow(/takes no token.*getToken/);
    expect(client.connection.getSnapshot().status).toBe('idle');
    client.destroy();
  });

  it('refuses to connect without getToken or token, naming both', () => {
    const { client } = fakeClient({ token: undefined });
    expect(() => client.connect()).toThrow(/needs getToken \(or token\)/);
    client.destroy();
  });

  it('throws at creation when autoConnect would connect without a token', () => {
    expect(() => fakeClient({ token: undefined, autoConnect: true })).toThrow(/getToken/);
  });

  it('still allows a client without a token that never connects (SSR)', () => {
    const client = createRealtimeClient({ url: 'http://127.0.0.1:9', autoConnect: false });
    expect(client.connection.getSnapshot().status).toBe('idle');
    client.destroy();
  });
});
