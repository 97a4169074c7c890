/**
 * Page of the Chromium render benchmark: `window.__runBench(n, appends)`
 * mounts a `<MessageList>` with `n` messages, then appends `appends`
 * messages at 50 per second, and resolves with the timings. The list is fed
 * directly: this measures the UI kit's rendering, not the network (the
 * server scenarios measure that).
 */
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { flushSync } from 'react-dom';
import type { ClientMessage } from 'socketkit';
import { MessageList } from 'socketkit/ui';
import type { BrowserResult as BenchResult } from './run-browser';
import 'socketkit/ui/styles.css';

const users = ['alice', 'bob', 'carol'];
const start = Date.parse('2026-11-01T09:00:00.000Z');

function message(i: number): ClientMessage {
  return {
    id: `m${i + 1}`,
    seq: i + 1,
    conversationId: 'long-history',
    senderId: users[(i * 7) % 3] as string,
    content: `Message ${i + 1}: ${'lorem ipsum dolor sit amet '.repeat(1 + (i % 4))}`.trim(),
    createdAt: new Date(start + i * 45_000).toISOString(),
    clientMessageId: `c${i + 1}`,
    status: 'sent',
  };
}

const nextFrame = (): Promise<number> => new Promise((resolve) => requestAnimationFrame(resolve));


let append: ((m: ClientMessage) => void) | undefined;

function Bench({ initial }: { initial: ClientMessage[] }) {
  const [messages, setMessages] = useState(initial);
  useEffect(() => {
    append = (m) => setMessages((prev) => [...prev, m]);
  }, []);
  return <MessageList messages={messages} currentUserId="alice" />;
}

async function runBench(n: number, appends: number): Promise<BenchResult> {
  const initial = Array.from({ length: n }, (_, i) => message(i));
  const el = document.getElementById('app') as HTMLElement;
  const t0 = performance.now();
  const root = createRoot(el);
  flushSync(() => root.render(<Bench initial={initial} />));
  // Rendered = committed, laid out and painted: two frames later.
  await nextFrame();
  await nextFrame();
  const renderMs = performance.now() - t0;
  const rowsInDom = el.querySelectorAll('[role="listitem"]').length;

  let longTasks = 0;
  const observer = new PerformanceObserver((list) => {
    longTasks += list.getEntries().length;
  });
  try {
    observer.observe({ type: 'longtask', buffered: false });
  } catch {
    // longtask entries are Chromium-only; frame gaps below are the main measure.
  }
  const frameGaps: number[] = [];
  let measuring = true;
  let last = await nextFrame();
  const loop = (t: number): void => {
    frameGaps.push(t - last);
    last = t;
    if (measuring) requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
  const a0 = performance.now();
  const commits: number[] = [];
  for (let i = 0; i < appends; i++) {
    const c0 = performance.now();
    // Synchronous, so the time of React's render + commit of one append is measurable alone.
    flushSync(() => append?.(message(n + i)));
    commits.push(performance.now() - c0);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await nextFrame();
  await nextFrame();
  measuring = false;
  const appendMs = performance.now() - a0;
  observer.disconnect();
  const lastRow = el.querySelector(`[data-key="c${n + appends}"]`);
  const box = el.querySelector('.sk-message-list')?.getBoundingClientRect();
  const rowBox = lastRow?.getBoundingClientRect();
  return {
    messages: n,
    renderMs,
    rowsInDom,
    appends,
    appendMs,
    appendCommitP50Ms: commits.sort((a, b) => a - b)[Math.floor(commits.length / 2)] ?? 0,
    appendCommitMaxMs: commits.reduce((a, b) => Math.max(a, b), 0),
    frames: frameGaps.length,
    framesOver50ms: frameGaps.filter((g) => g > 50).length,
    worstFrameMs: frameGaps.reduce((a, b) => Math.max(a, b), 0),
    longTasks,
    rowsInDomAfter: el.querySelectorAll('[role="listitem"]').length,
    lastMessageVisible: !!(rowBox && box && rowBox.top < box.bottom && rowBox.bottom > box.top),
  };
}

(window as unknown as { __runBench: typeof runBench }).__runBench = runBench;
document.body.dataset.ready = 'true';
