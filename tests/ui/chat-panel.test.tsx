/**
 * ChatPanel between two users over the real server: messages both ways,
 * typing shown to the other side, pending → sent.
 */
import { describe, expect, it } from 'vitest';
import { render, screen, waitFor, within, fireEvent } from '@testing-library/react';
import { ChatPanel } from 'socketkit/ui';
import { Providers, withLiveServer, connected, makeClient } from './helpers.js';

const liveServer = withLiveServer();

describe('ChatPanel', () => {
  it('lets alice and bob chat and see each other typing', async () => {
    const alice = makeClient(liveServer(), 'alice');
    const bob = makeClient(liveServer(), 'bob');
    await Promise.all([connected(alice), connected(bob)]);
    render(
      <>
        <div data-testid="alice">
          <Providers client={alice}>
            <ChatPanel conversationId="alice-bob" title="Alice & Bob" />
          </Providers>
        </div>
        <div data-testid="bob">
          <Providers client={bob}>
            <ChatPanel conversationId="alice-bob" title="Alice & Bob" />
          </Providers>
        </div>
      </>,
    );
    const a = within(screen.getByTestId('alice'));
    const b = within(screen.getByTestId('bob'));
    await waitFor(() => expect(alice.conversation('alice-bob').getSnapshot().status).toBe('joined'), { timeout: 5000 });
    await waitFor(() => expect(bob.conversation('alice-bob').getSnapshot().status).toBe('joined'), { timeout: 5000 });

    // Typing is sent for alice and shown to bob with her name.
    const box = a.getByRole('textbox', { name: 'Message' });
    fireEvent.change(box, { target: { value: 'Hello Bob' } });
    await waitFor(() => expect(screen.getByTestId('bob').querySelector('.sk-typing')!.textContent).toBe('Alice Martin is typing'), {
      timeout: 5000,
    });

    // Enter sends; Shift+Enter would not.
    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true });
    expect(a.queryByText('Hello Bob', { selector: '.sk-message-content' })).toBeNull();
    expect((box as HTMLTextAreaElement).value).toBe('Hello Bob');
    fireEvent.keyDown(box, { key: 'Enter' });
    expect((box as HTMLTextAreaElement).value).toBe('');
    await waitFor(() => expect(b.getByText('Hello Bob')).toBeTruthy(), { timeout: 5000 });
    await waitFor(() => expect(a.getByText('Hello Bob').closest('.sk-message')!.getAttribute('data-status')).toBe('sent'), {
      timeout: 5000,
    });
    expect(a.getByText('Hello Bob').closest('.sk-message')!.getAttribute('data-mine')).toBe('true');
    // Sending stopped alice's typing state on bob's side.
    await waitFor(() => expect(screen.getByTestId('bob').querySelector('.sk-typing')!.textContent).toBe(''), { timeout: 5000 });

    // And back: bob answers, alice sees it with his name in the group head, announced politely.
    const bobBox = b.getByRole('textbox', { name: 'Message' });
    fireEvent.change(bobBox, { target: { value: 'Hi Alice' } });
    fireEvent.submit(bobBox.closest('form')!);
    await waitFor(() => expect(a.getByText('Hi Alice')).toBeTruthy(), { timeout: 5000 });
    const row = a.getByText('Hi Alice').closest('.sk-message')!;
    expect(row.textContent).toContain('Bob Chen');
    await waitFor(() =>
      expect(screen.getByTestId('alice').querySelector('.sk-message-list > .sk-sr-only')!.textContent).toBe('Bob Chen: Hi Alice'),
    );
    expect(b.getAllByText('Hello Bob')).toHaveLength(1);
  });
});
