/**
 * `<SocketkitDevtools>` against the real bundled server (jsdom): the event
 * log (sent, acked with round trip, filter by conversation, pause), the
 * outbox while offline, the conversations with their seq cursor and the
 * watched presence, and the server's development actions.
 */
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { SocketkitDevtools } from 'socketkit/devtools';
import { startServer, type TestServer } from '../support/server.js';
import { waitFor } from '../support/wait.js';
import { connected, destroyClients, makeClient } from './helpers.js';

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  cleanup();
  destroyClients();
  await server.cleanup();
});

const panel = () => screen.getByRole('region', { name: 'socketkit devtools' });
const entries = (kind: string) => [...panel().querySelectorAll(`.sk-devtools-entry[data-kind="${kind}"]`)].map((e) => e.textContent ?? '');
const until = (check: () => boolean, message: string) => act(() => waitFor(check, { timeoutMs: 5000, message }));

describe('SocketkitDevtools', () => {
  it('logs a send and its ack with the round trip, and shows the conversation, its seq cursor and the watched participant', async () => {
    const client = makeClient(server, 'alice');
    render(<SocketkitDevtools client={client} inspectEveryMs={50} />);
    await act(() => connected(client));
    const room = client.conversation('general');
    const release = room.join();
    await until(() => room.getSnapshot().status === 'joined', 'joined');
    await act(() => room.send('hello devtools'));

    await until(() => entries('acked').some((text) => text.includes('message:send')), 'the ack of message:send in the log');
    const sent = entries('sent').find((text) => text.includes('message:send'))!;
    const id = /#(\d+)/.exec(sent)![1];
    expect(entries('acked').find((text) => text.includes('message:send'))).toMatch(new RegExp(`#${id} acked in \\d+ ms · general`));

    const row = () => panel().querySelector('tr[data-conversation="general"]');
    await until(() => row() !== null && Number(row()!.children[3]!.textContent) > 0, 'general with a seq cursor');
    expect(within(row() as HTMLElement).getAllByRole('cell')[1]!.textContent).toBe('joined');
    await until(() => panel().querySelector('tr[data-user="bob"]') !== null, 'bob watched as a participant');

    // Filter by conversation: the join, the send and their acks name it; a presence request does not.
    fireEvent.change(screen.getByRole('textbox', { name: 'Conversation' }), { target: { value: 'general' } });
    const shown = [...panel().querySelectorAll('.sk-devtools-entry')].map((e) => e.textContent ?? '');
    expect(shown.length).toBeGreaterThanOrEqual(4);
    expect(shown.every((text) => text.includes('· general'))).toBe(true);

    // Paused, nothing new is logged.
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    const before = panel().querySelectorAll('.sk-devtools-entry').length;
    await act(() => room.send('while paused'));
    expect(panel().querySelectorAll('.sk-devtools-entry').length).toBe(before);
    release();
  });

  it('shows a message queued while offline in the outbox until the reconnect sends it', async () => {
    const client = makeClient(server, 'alice');
    render(<SocketkitDevtools client={client} inspectEveryMs={50} />);
    await act(() => connected(client));
    const room = client.conversation('general');
    const release = room.join();
    await until(() => room.getSnapshot().status === 'joined', 'joined');

    fireEvent.click(screen.getByRole('button', { name: 'Go offline' }));
    const sending = room.send('queued while offline');
    await until(() => screen.queryByRole('heading', { name: 'Outbox (1)' }) !== null, 'one item in the outbox');
    const item = within(screen.getByRole('region', { name: 'Outbox' })).getAllByRole('cell').map((cell) => cell.textContent);
    expect(item).toEqual(['queued while offline', 'general', 'sending', '0']);

    fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    await act(() => sending);
    await until(() => screen.queryByRole('heading', { name: 'Outbox (0)' }) !== null, 'the outbox emptied by the ack');
    release();
  });

  it("drops the user's connection through the server's development endpoint", async () => {
    const client = makeClient(server, 'alice');
    render(<SocketkitDevtools client={client} serverUrl={server.url} />);
    await act(() => connected(client));
    fireEvent.click(await screen.findByRole('button', { name: 'Drop connection' }));
    await until(() => panel().querySelector('.sk-devtools-transitions')?.textContent?.includes('connected → ') === true, 'a transition out of connected');
    await act(() => connected(client));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('SocketkitDevtools in StrictMode', () => {
  it('keeps recording after React runs its effects twice', async () => {
    const client = makeClient(server, 'alice');
    render(
      <StrictMode>
        <SocketkitDevtools client={client} />
      </StrictMode>,
    );
    await act(() => connected(client));
    await act(() => client.request('presence:list', {}));
    await until(() => entries('acked').some((text) => text.includes('presence:list')), 'the ack of presence:list in the log');
  });
});
