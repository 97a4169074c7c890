/**
 * Issue 10, "Errors nobody sees": ChatPanel against the real server shows
 * why a conversation cannot be used (NOT_FOUND, FORBIDDEN), why a message was
 * not sent, and failed older-history loads, with strings that can be overridden.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { ChatPanel, MessageComposer } from 'socketkit/ui';
import { Providers, connected, makeClient, withLiveServer } from './helpers.js';

const liveServer = withLiveServer();

describe('MessageComposer failures', () => {
  it('a send the client refuses before queueing (OUTBOX_FULL) keeps the text and says why', async () => {
    const alice = makeClient(liveServer(), 'alice', { outbox: { maxSize: 1 } });
    await connected(alice);
    alice.disconnect();
    render(
      <Providers client={alice}>
        <MessageComposer conversationId="general" />
      </Providers>,
    );
    const box = screen.getByRole<HTMLTextAreaElement>('textbox', { name: 'Message' });
    fireEvent.change(box, { target: { value: 'first, queued' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(alice.conversation('general').getSnapshot().messages.at(-1)?.content).toBe('first, queued'));
    fireEvent.change(box, { target: { value: 'second, refused' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Not sent: too many messages are waiting to be sent. Your text is still here.');
    expect(box.value).toBe('second, refused');
    expect(box.getAttribute('aria-describedby')).toContain(alert.id);
  });
});

describe('ChatPanel failures', () => {
  it('a conversation that does not exist: an alert instead of the empty state and composer', async () => {
    const alice = makeClient(liveServer(), 'alice');
    await connected(alice);
    const { container } = render(
      <Providers client={alice}>
        <ChatPanel conversationId="no-such-conversation" title="Nowhere" />
      </Providers>,
    );
    expect((await screen.findByRole('alert', {}, { timeout: 5000 })).textContent).toBe('This conversation does not exist.');
    expect(container.querySelector('.sk-chat')!.getAttribute('data-error-code')).toBe('NOT_FOUND');
    expect(screen.queryByText('No messages yet. Say hello!')).toBeNull();
    expect(screen.queryByRole('textbox', { name: 'Message' })).toBeNull();
  });

  it('a conversation the user is not in: FORBIDDEN, in the overridden wording', async () => {
    const bob = makeClient(liveServer(), 'bob');
    await connected(bob);
    render(
      <Providers client={bob} strings={{ conversationForbidden: 'Kein Zugriff auf diese Unterhaltung.' }}>
        <ChatPanel conversationId="design" />
      </Providers>,
    );
    expect((await screen.findByRole('alert', {}, { timeout: 5000 })).textContent).toBe('Kein Zugriff auf diese Unterhaltung.');
    expect(screen.queryByRole('textbox', { name: 'Message' })).toBeNull();
  });

  it('a message the server refuses says why (also after Retry), and the reason string can be overridden', async () => {
    const server = liveServer();
    const alice = makeClient(server, 'alice');
    await connected(alice);
    const { conversation } = await alice.request('conversation:create', { participantIds: ['alice', 'bob'], title: 'Soon gone' });
    render(
      <Providers client={alice} strings={{ notSentBecause: (reason) => `Nicht gesendet (${reason})` }}>
        <ChatPanel conversationId={conversation.id} />
      </Providers>,
    );
    await waitFor(() => expect(alice.conversation(conversation.id).getSnapshot().status).toBe('joined'), { timeout: 5000 });
    // The store forgets the conversation: the next send is refused with NOT_FOUND.
    server.reset();
    fireEvent.change(screen.getByRole('textbox', { name: 'Message' }), { target: { value: 'Anyone here?' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    const state = await screen.findByText('Nicht gesendet (it does not exist)', { exact: false }, { timeout: 5000 });
    expect(state.closest('.sk-message')!.getAttribute('data-status')).toBe('failed');
    // Retry fails the same way: the row says so again (no silent "Not sent").
    const failed = alice.conversation(conversation.id).getSnapshot().messages.at(-1)!;
    fireEvent.click(within(state.closest('.sk-message') as HTMLElement).getByRole('button', { name: 'Retry' }));
    // A new failed snapshot of the same message (sending → failed again).
    await waitFor(() => {
      const now = alice.conversation(conversation.id).getSnapshot().messages.at(-1)!;
      expect(now).not.toBe(failed);
      expect(now).toMatchObject({ clientMessageId: failed.clientMessageId, status: 'failed', error: { code: 'NOT_FOUND' } });
    }, { timeout: 5000 });
    expect(screen.getByText('Nicht gesendet (it does not exist)', { exact: false })).toBeTruthy();
    expect(screen.queryByRole('alert', { name: /Could not send again/ })).toBeNull();
  });

  it('older history that fails to load shows an alert with Retry, which loads it', async () => {
    const server = liveServer();
    const alice = makeClient(server, 'alice', { requestTimeoutMs: 300 });
    await connected(alice);
    render(
      <Providers client={alice} strings={{ loadOlderFailed: (reason) => `Older failed: ${reason}` }}>
        <ChatPanel conversationId="long-history" />
      </Providers>,
    );
    await waitFor(() => expect(alice.conversation('long-history').getSnapshot().status).toBe('joined'), { timeout: 5000 });
    expect(alice.conversation('long-history').getSnapshot().hasMore).toBe(true);
    // jsdom has no layout: give the list a height and scroll it to the top, as a reader would.
    const list = screen.getByRole('region', { name: 'Messages' });
    Object.defineProperty(list, 'clientHeight', { configurable: true, value: 400 });
    server.setLatency(1500);
    list.scrollTop = 0;
    fireEvent.scroll(list);
    const alert = await screen.findByRole('alert', {}, { timeout: 5000 });
    expect(alert.textContent).toContain('Older failed: the server did not answer in time');
    const before = alice.conversation('long-history').getSnapshot().messages.length;
    server.setLatency(0);
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(alice.conversation('long-history').getSnapshot().messages.length).toBeGreaterThan(before), { timeout: 5000 });
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
  });
});

afterEach(() => {
  liveServer().setLatency(0);
});
