/**
 * MessageList without a server (it is presentational): windowing of 10,000
 * messages, re-render hygiene on append, grouping, and pending/failed states.
 */
import { Profiler } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { ClientMessage } from 'socketkit';
import { MessageList, SocketkitUIProvider } from 'socketkit/ui';
import { USERS } from './helpers.js';

afterEach(cleanup);

const T0 = Date.parse('2026-11-20T09:00:00Z');
function msg(i: number, senderId = i % 2 ? 'alice' : 'bob', status: ClientMessage['status'] = 'sent', at = T0 + i * 60_000): ClientMessage {
  return {
    id: `m${i}`,
    seq: status === 'sent' ? i : null,
    conversationId: 'c',
    senderId,
    content: `message ${i}`,
    createdAt: new Date(at).toISOString(),
    clientMessageId: `c${i}`,
    status,
  };
}

describe('MessageList', () => {
  it('renders a bounded number of rows for 10,000 messages, newest first in view', () => {
    const messages = Array.from({ length: 10_000 }, (_, i) => msg(i + 1));
    let commits = 0;
    render(
      <Profiler id="list" onRender={() => commits++}>
        <MessageList messages={messages} currentUserId="alice" />
      </Profiler>,
    );
    const rows = document.querySelectorAll('[role="listitem"]');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(40);
    // Pinned to the end: the newest message is rendered, the oldest is not.
    expect(screen.getByText('message 10000')).toBeTruthy();
    expect(screen.queryByText('message 1')).toBeNull();
    // The rest is represented by padding, and rows carry their position in the whole list.
    const list = document.querySelector<HTMLElement>('.sk-message-rows')!;
    expect(parseFloat(list.style.paddingTop)).toBeGreaterThan(100_000);
    // 10,000 messages plus one separator per day.
    expect(Number(rows[rows.length - 1]!.getAttribute('aria-setsize'))).toBe(10_000 + new Set(messages.map((m) => new Date(m.createdAt).toDateString())).size);
    expect(commits).toBeLessThan(5);
  });

  it('re-renders only the new row when a message is appended', () => {
    const calls: string[] = [];
    const renderContent = (m: ClientMessage) => {
      calls.push(m.id);
      return m.content;
    };
    const messages = Array.from({ length: 20 }, (_, i) => msg(i + 1));
    const { rerender } = render(<MessageList messages={messages} currentUserId="alice" renderContent={renderContent} overscanPx={100_000} />);
    expect(calls.length).toBe(20);
    calls.length = 0;

    const m21 = msg(21);
    rerender(<MessageList messages={[...messages, m21]} currentUserId="alice" renderContent={renderContent} overscanPx={100_000} />);
    expect(calls).toEqual(['m21']);

    // A status change (pending → sent) renders that row only.
    calls.length = 0;
    const pending = msg(22, 'alice', 'sending');
    const list = [...messages, m21, pending];
    rerender(<MessageList messages={list} currentUserId="alice" renderContent={renderContent} overscanPx={100_000} />);
    rerender(<MessageList messages={[...list.slice(0, -1), { ...pending, id: 'server-22', seq: 22, status: 'sent' }]} currentUserId="alice" renderContent={renderContent} overscanPx={100_000} />);
    expect(calls).toEqual(['m22', 'server-22']);
  });

  it('groups by sender and day and shows sending and failed states with retry', () => {
    const day1 = Date.parse('2026-11-19T10:00:00Z');
    const messages = [
      msg(1, 'bob', 'sent', day1),
      msg(2, 'bob', 'sent', day1 + 60_000),
      msg(3, 'alice', 'sent', day1 + 120_000),
      msg(4, 'alice', 'sent', day1 + 86_400_000),
      msg(5, 'alice', 'sending', day1 + 86_400_000 + 1000),
      msg(6, 'alice', 'failed', day1 + 86_400_000 + 2000),
    ];
    const onRetry = vi.fn();
    const onDiscard = vi.fn();
    render(
      <SocketkitUIProvider users={USERS} locale="en-US">
        <MessageList messages={messages} currentUserId="alice" onRetry={onRetry} onDiscard={onDiscard} />
      </SocketkitUIProvider>,
    );
    expect(document.querySelectorAll('.sk-day')).toHaveLength(2);
    const heads = [...document.querySelectorAll('.sk-message[data-group-start="true"] .sk-message-sender')].map((e) => e.textContent);
    expect(heads).toEqual(['Bob Chen', 'Alice Martin', 'Alice Martin']);
    const sending = screen.getByText('message 5').closest('.sk-message')!;
    expect(sending.getAttribute('data-status')).toBe('sending');
    expect(sending.textContent).toContain('Sending…');
    const failed = screen.getByText('message 6').closest('.sk-message')!;
    expect(failed.getAttribute('data-status')).toBe('failed');
    expect(screen.getByRole('alert').textContent).toContain('Not sent');
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledWith('c6');
    fireEvent.click(screen.getByRole('button', { name: 'Discard' }));
    expect(onDiscard).toHaveBeenCalledWith('c6');
  });

  it('shows the empty state and is a focusable, labelled region', () => {
    render(<MessageList messages={[]} />);
    const region = screen.getByRole('region', { name: 'Messages' });
    expect(region.tabIndex).toBe(0);
    expect(region.textContent).toContain('No messages yet');
  });
});
