import { Profiler, type ProfilerOnRenderCallback } from 'react';
import { act, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Ack, MessageSendResult } from 'socketkit/protocol';
import { RealtimeProvider, useConversation, usePresence, usePresenceOf, useTyping } from 'socketkit/react';
import { useTestServer } from './helpers.js';

const env = useTestServer();

/** Update renders per Profiler id (mounts are not counted). */
function renderCounter() {
  const updates = new Map<string, number>();
  const onRender: ProfilerOnRenderCallback = (id, phase) => {
    if (phase !== 'mount') updates.set(id, (updates.get(id) ?? 0) + 1);
  };
  return { updates, onRender, reset: () => updates.clear(), total: () => [...updates.values()].reduce((a, b) => a + b, 0) };
}

function Group({ ids }: { ids: string[] }) {
  const presence = usePresenceOf(ids);
  return <i>{[...presence.values()].filter((p) => p.online).length}</i>;
}

function Dot({ userId }: { userId: string }) {
  const { online } = usePresence(userId);
  return <i data-testid={`dot-${userId}`}>{online ? 'on' : 'off'}</i>;
}

describe('render counts (React Profiler)', () => {
  it.each([
    [500, 50],
    [500, 500],
  ])('%i usePresence consumers over %i users: one user going online/offline re-renders only its consumers, once', async (consumers, userCount) => {
    const client = env.client('alice');
    const users = Array.from({ length: userCount }, (_, i) => `user-${i}`);
    const counter = renderCounter();
    render(
      <RealtimeProvider client={client}>
        {Array.from({ length: consumers }, (_, i) => {
          const userId = users[i % userCount] as string;
          return (
            <Profiler key={i} id={`${userId}#${i}`} onRender={counter.onRender}>
              <Dot userId={userId} />
            </Profiler>
          );
        })}
        {/* usePresenceOf: a group without the user that changes, and one with it. */}
        <Profiler id="group-without#" onRender={counter.onRender}>
          <Group ids={['user-1', 'user-2', 'user-3']} />
        </Profiler>
        <Profiler id="group-with#" onRender={counter.onRender}>
          <Group ids={['user-1', 'user-7', 'user-3']} />
        </Profiler>
      </RealtimeProvider>,
    );
    await waitFor(() => expect(users.every((id) => client.presence.get(id) !== undefined)).toBe(true), { timeout: 5000 });
    await act(async () => {});
    counter.reset();

    const target = 'user-7';
    const targetConsumers = consumers / userCount;
    const tab = await env.server.connect(target);
    await waitFor(() => expect(screen.getAllByTestId(`dot-${target}`).every((d) => d.textContent === 'on')).toBe(true));
    expect(counter.updates.get('group-with#')).toBe(1);
    expect(counter.updates.get('group-without#')).toBeUndefined();
    counter.updates.delete('group-with#');
    const onlineUpdates = counter.total();
    expect([...counter.updates.keys()].every((id) => id.startsWith(`${target}#`))).toBe(true);
    expect([...counter.updates.values()].every((n) => n === 1)).toBe(true);
    expect(onlineUpdates).toBe(targetConsumers);

    counter.reset();
    tab.disconnect();
    await waitFor(() => expect(screen.getAllByTestId(`dot-${target}`).every((d) => d.textContent === 'off')).toBe(true));
    expect(counter.updates.get('group-with#')).toBe(1);
    expect(counter.updates.get('group-without#')).toBeUndefined();
    counter.updates.delete('group-with#');
    expect([...counter.updates.keys()].every((id) => id.startsWith(`${target}#`))).toBe(true);
    expect(counter.total()).toBe(targetConsumers);
    console.info(`[render-counts] ${consumers} usePresence consumers / ${userCount} users: online → ${onlineUpdates} re-renders, offline → ${counter.total()} re-renders (expected ${targetConsumers} each); usePresenceOf group with that user: 1, without: 0`);
  });

  it('a new message re-renders each conversation consumer once, and typing/presence consumers not at all', async () => {
    const client = env.client('alice');
    const counter = renderCounter();
    const CONSUMERS = 20;
    function Messages({ i }: { i: number }) {
      const { messages, status } = useConversation('general');
      return <p data-testid={`messages-${i}`} data-status={status}>{messages.length}</p>;
    }
    // Three hooks on one conversation in one component: still one render per change.
    function Combined() {
      const a = useConversation('general');
      const b = useConversation('general');
      useTyping('general');
      return <p data-testid="combined">{a.messages.length + b.messages.length}</p>;
    }
    function Typing() {
      return <p>{useTyping('general').typingUserIds.length}</p>;
    }
    render(
      <RealtimeProvider client={client}>
        {Array.from({ length: CONSUMERS }, (_, i) => (
          <Profiler key={i} id={`messages#${i}`} onRender={counter.onRender}>
            <Messages i={i} />
          </Profiler>
        ))}
        <Profiler id="combined" onRender={counter.onRender}>
          <Combined />
        </Profiler>
        <Profiler id="typing" onRender={counter.onRender}>
          <Typing />
        </Profiler>
        <Profiler id="presence" onRender={counter.onRender}>
          <Dot userId="bob" />
        </Profiler>
      </RealtimeProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('messages-0').dataset.status).toBe('joined'));
    // Settle: a round trip after the join, so nothing of the join is still on its way.
    await client.request('presence:list', {});
    await act(async () => {});
    const before = Number(screen.getByTestId('messages-0').textContent);
    counter.reset();

    const bob = await env.server.connect('bob');
    await waitFor(() => expect(screen.getByTestId('dot-bob').textContent).toBe('on'));
    counter.reset(); // bob coming online is a presence change, not the subject here
    await new Promise<MessageSendResult>((resolve, reject) =>
      bob.emit('message:send', { conversationId: 'general', content: 'render me once', clientMessageId: 'rc-1' }, (ack: Ack<MessageSendResult>) =>
        ack.ok ? resolve(ack) : reject(new Error(ack.error.message)),
      ),
    );
    await waitFor(() => expect(screen.getByTestId(`messages-${CONSUMERS - 1}`).textContent).toBe(String(before + 1)));
    await client.request('presence:list', {});
    await act(async () => {});
    for (let i = 0; i < CONSUMERS; i++) expect(counter.updates.get(`messages#${i}`)).toBe(1);
    expect(counter.updates.get('combined')).toBe(1);
    expect(counter.updates.get('typing')).toBeUndefined();
    expect(counter.updates.get('presence')).toBeUndefined();
    console.info(`[render-counts] 1 message, ${CONSUMERS} useConversation consumers + 1 component with 3 hooks: ${counter.total()} re-renders (expected ${CONSUMERS + 1}); useTyping/usePresence consumers: 0`);
  });
});
