// @vitest-environment jsdom
/**
 * The core in a browser-like environment (jsdom: real window and document):
 * it listens to `online` / `visibilitychange` only while it needs them.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeClient, flush } from './fake-socket.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('in a browser', () => {
  it('retries on the online event after failed, and detaches its listeners once connected and on destroy', async () => {
    const add = vi.spyOn(window, 'addEventListener');
    const remove = vi.spyOn(window, 'removeEventListener');
    const addDoc = vi.spyOn(document, 'addEventListener');
    const { client, socket } = fakeClient({ reconnection: { maxAttempts: 0 } });
    client.connect();
    await flush();
    socket.refuse();
    expect(client.connection.getSnapshot().status).toBe('failed');
    expect(add).toHaveBeenCalledWith('online', expect.any(Function));
    expect(addDoc).toHaveBeenCalledWith('visibilitychange', expect.any(Function));
    window.dispatchEvent(new Event('online'));
    await flush();
    socket.accept();
    expect(client.connection.getSnapshot().status).toBe('connected');
    expect(remove).toHaveBeenCalledWith('online', add.mock.calls.find(([e]) => e === 'online')![1]);
    socket.drop();
    client.destroy();
    expect(remove.mock.calls.filter(([e]) => e === 'online')).toHaveLength(2);
  });

  it('creates clientMessageIds with crypto.randomUUID when there is one', () => {
    const { client } = fakeClient();
    void client.conversation('c1').send('hi');
    const [m] = client.conversation('c1').getSnapshot().messages;
    expect(m?.clientMessageId).toMatch(/^[0-9a-f-]{36}$/);
    client.destroy();
  });
});
