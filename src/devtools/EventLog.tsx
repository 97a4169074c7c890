import { useState } from 'react';
import type { DevtoolsLogEntry, DevtoolsRecorder } from './recorder.js';
import { clockTime } from './format.js';

function detailOf(entry: DevtoolsLogEntry): string {
  switch (entry.kind) {
    case 'sent':
      return `#${entry.requestId}`;
    case 'acked':
      return `#${entry.requestId} acked in ${entry.ms} ms`;
    case 'refused':
      return `#${entry.requestId} refused ${entry.code}${entry.ms === null || entry.ms === undefined ? '' : ` after ${entry.ms} ms`}`;
    case 'received':
      return '';
  }
}

function LogRow({ entry }: { entry: DevtoolsLogEntry }) {
  return (
    <li className="sk-devtools-entry" data-kind={entry.kind}>
      <span className="sk-devtools-time">{clockTime(entry.at)}</span> <strong>{entry.kind}</strong> <code>{entry.event}</code> {detailOf(entry)}
      {entry.conversationId && <span className="sk-devtools-conversation"> · {entry.conversationId}</span>}
      {entry.payload !== undefined && (
        <details>
          <summary>payload</summary>
          <pre>{JSON.stringify(entry.payload, null, 2)}</pre>
        </details>
      )}
    </li>
  );
}

const matches = (entry: DevtoolsLogEntry, event: string, conversation: string) =>
  entry.event.includes(event) && (conversation === '' || (entry.conversationId ?? '').includes(conversation));

/** The event log, newest first: sent, acked (round trip), refused (code), received; filter by event and conversation; pause; clear. */
export function EventLog({ log, paused, recorder }: { log: readonly DevtoolsLogEntry[]; paused: boolean; recorder: DevtoolsRecorder }) {
  const [event, setEvent] = useState('');
  const [conversation, setConversation] = useState('');
  const kept = event || conversation ? log.filter((entry) => matches(entry, event, conversation)) : log;
  // Newest first, as the numbers say (`reversed`): what just happened is on top.
  const shown = kept.slice().reverse();
  return (
    <section aria-label="Events">
      <h3>Events</h3>
      <div className="sk-devtools-toolbar">
        <label>
          Event <input value={event} onChange={(e) => setEvent(e.target.value)} placeholder="message:send" />
        </label>{' '}
        <label>
          Conversation <input value={conversation} onChange={(e) => setConversation(e.target.value)} placeholder="id" />
        </label>{' '}
        <button type="button" aria-pressed={paused} onClick={() => recorder.setPaused(!paused)}>
          {paused ? 'Resume' : 'Pause'}
        </button>{' '}
        <button type="button" onClick={() => recorder.clear()}>
          Clear
        </button>
      </div>
      <ol className="sk-devtools-log" reversed aria-live="off">
        {shown.map((entry) => (
          <LogRow key={entry.seq} entry={entry} />
        ))}
      </ol>
    </section>
  );
}
