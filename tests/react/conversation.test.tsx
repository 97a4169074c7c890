import { useState } from 'react';
import { act, render, renderHook, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { Ack, MessageSendResult } from 'socketkit/protocol';
import { RealtimeProvider, useConversation, useTyping } from 'socketkit/react';
import { roomSize, useTestServer } from './helpers.js';

const env = useTestServer();

function ChatPanel({ id }: { id: string }) {
  const { status, messages, typingUserIds, send, startTyping, stopTyping } = useConversation(id);
  const [draft, setDraft] = useState('');
  return (
    <section data-status={status}>
      <ul>
        {messages.map((m) => (
          <li key={m.clientMessageId} data-status={m.status}>
            {m.senderId}: {m.content}
          </li>
        ))}
      </ul>
      <p data-testid="typing">{typingUserIds.join(',')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void send(draft);
          setDraft('');
        }}
      >
        <input
          aria-label="Message"
          value={draft}
          onChange={(e) => {
            setDraft(e.target.value);
            startTyping();
          }}
          onBlur={stopTyping}
        />
      </form>
    </section>
  );
}

/** Sends as `socket` (a stock socket.io-client of the test server) and waits for the ack. */
function sendAs(socket: Socket, conversationId: string, content: string): Promise<MessageSendResult> {
  return new Promise((resolve, reject) =>
    socket.emit('message:send', { conversationId, content, clientMessageId: `t-${content}` }, (ack: Ack<MessageSendResult>) =>
      ack.ok ? resolve(ack) : reject(new Error(ack.error.message)),
    ),
  );
}

describe('useConversation between two rendered clients', () => {
  it('delivers messages both ways and shows typing to the other user', async () => {
    const user = userEvent.setup();
    const alice = render(<ChatPanel id="alice-bob" />, { wrapper: env.provider('alice') });
    const bob = render(<ChatPanel id="alice-bob" />, { wrapper: env.provider('bob') });
    const a = within(alice.container);
    const b = within(bob.container);
    await waitFor(() => expect(alice.container.querySelector('section')?.dataset.status).toBe('joined'));
    await waitFor(() => expect(bob.container.querySelector('section')?.dataset.status).toBe('joined'));

    await user.type(a.getByLabelText('Message'), 'hello');
    await waitFor(() => expect(b.getByTestId('typing').textContent).toBe('alice'));
    expect(a.getByTestId('typing').textContent).toBe('');

    await user.type(a.getByLabelText('Message'), ' bob{Enter}');
    await waitFor(() => expect(b.getByText('alice: hello bob')).toBeTruthy());
    await waitFor(() => expect(b.getByTestId('typing').textContent).toBe(''));
    await waitFor(() => expect(a.getByText('alice: hello bob').dataset.status).toBe('sent'));

    await user.type(b.getByLabelText('Message'), 'hi alice{Enter}');
    await waitFor(() => expect(a.getByText('bob: hi alice')).toBeTruthy());
    expect(a.getAllByText(/hello bob|hi alice/)).toHaveLength(2);
    expect(b.getAllByText(/hello bob|hi alice/)).toHaveLength(2);
  });

  it('useTyping shares the join and shows who types', async () => {
    const { result } = renderHook(() => ({ typing: useTyping('alice-bob'), chat: useConversation('alice-bob') }), {
      wrapper: env.provider('alice'),
    });
    await waitFor(() => expect(result.current.chat.status).toBe('joined'));
    expect(roomSize(env.server, 'conversation:alice-bob')).toBe(1);
    const { send, loadOlder, startTyping } = result.current.chat;
    const bob = await env.server.connect('bob');
    bob.emit('conversation:join', 'alice-bob', () => bob.emit('typing:start', { conversationId: 'alice-bob' }));
    await waitFor(() => expect(result.current.typing.typingUserIds).toEqual(['bob']));
    bob.emit('typing:stop', { conversationId: 'alice-bob' });
    await waitFor(() => expect(result.current.typing.typingUserIds).toEqual([]));
    await sendAs(bob, 'alice-bob', 'identity check');
    await waitFor(() => expect(result.current.chat.messages.at(-1)?.content).toBe('identity check'));
    // Actions keep their identity across snapshots: safe in deps and memo props.
    expect(result.current.chat.send).toBe(send);
    expect(result.current.chat.loadOlder).toBe(loadOlder);
    expect(result.current.chat.startTyping).toBe(startTyping);
  });
});

describe('reconnect', () => {
  it('shows messages sent during an outage exactly once', async () => {
    const client = env.client('alice', { autoConnect: true });
    const view = render(
      <RealtimeProvider client={client}>
        <ChatPanel id="alice-bob" />
      </RealtimeProvider>,
    );
    const chat = within(view.container);
    await waitFor(() => expect(view.container.querySelector('section')?.dataset.status).toBe('joined'));
    const bob = await env.server.connect('bob');
    await sendAs(bob, 'alice-bob', 'before');
    await waitFor(() => expect(chat.getByText('bob: before')).toBeTruthy());

    act(() => client.disconnect());
    await waitFor(() => expect(roomSize(env.server, 'conversation:alice-bob')).toBe(0));
    await sendAs(bob, 'alice-bob', 'missed 1');
    await sendAs(bob, 'alice-bob', 'missed 2');
    await sendAs(bob, 'alice-bob', 'missed 3');
    act(() => client.connect());
    await waitFor(() => expect(chat.getByText('bob: missed 3')).toBeTruthy());

    // A live message after the catch-up: anything duplicated would have come before it.
    await sendAs(bob, 'alice-bob', 'after');
    await waitFor(() => expect(chat.getByText('bob: after')).toBeTruthy());
    const texts = chat.getAllByRole('listitem').map((li) => li.textContent);
    for (const content of ['before', 'missed 1', 'missed 2', 'missed 3', 'after']) {
      expect(texts.filter((t) => t === `bob: ${content}`)).toHaveLength(1);
    }
    const seqs = client.conversation('alice-bob').getSnapshot().messages.map((m) => m.seq);
    expect(seqs).toEqual([...new Set(seqs)].sort((x, y) => (x ?? 0) - (y ?? 0)));
  });

  it('catches up after the server drops the socket, with no duplicates', async () => {
    const client = env.client('alice');
    const { result } = renderHook(() => useConversation('alice-bob'), {
      wrapper: ({ children }) => <RealtimeProvider client={client}>{children}</RealtimeProvider>,
    });
    await waitFor(() => expect(result.current.status).toBe('joined'));
    const bob = await env.server.connect('bob');
    // The client is back within tens of milliseconds: record every status rather than poll for one.
    const statuses: string[] = [];
    const stop = client.connection.subscribe(() => statuses.push(client.connection.getSnapshot().status));
    env.server.io.in('user:alice').disconnectSockets(true);
    await waitFor(() => expect(statuses).toContain('reconnecting'));
    stop();
    const sent = await Promise.all(['x1', 'x2', 'x3'].map((c) => sendAs(bob, 'alice-bob', c)));
    await waitFor(() => expect(result.current.messages.map((m) => m.content)).toEqual(expect.arrayContaining(['x1', 'x2', 'x3'])));
    await sendAs(bob, 'alice-bob', 'x4');
    await waitFor(() => expect(result.current.messages.at(-1)?.content).toBe('x4'));
    const ids = result.current.messages.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { message } of sent) expect(ids.filter((id) => id === message.id)).toHaveLength(1);
  });
});
