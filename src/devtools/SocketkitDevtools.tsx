import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { RealtimeClient } from 'socketkit';
import { createDevtoolsRecorder, type DevtoolsLogEntry } from './recorder.js';

/** Props of `<SocketkitDevtools>`. */
export interface SocketkitDevtoolsProps {
  client: RealtimeClient;
  /**
   * The server's URL, for the development actions (`POST /dev/disconnect`,
   * `POST /dev/latency` of the bundled or in-page server). Without it, only
   * the client-side actions are offered.
   */
  serverUrl?: string;
  /** Log entries and transitions kept. Default 500. */
  limit?: number;
}

const time = (at: number) => new Date(at).toLocaleTimeString(undefined, { hour12: false });

function LogRow({ entry }: { entry: DevtoolsLogEntry }) {
  const detail =
    entry.kind === 'acked'
      ? `#${entry.requestId} acked in ${entry.ms} ms`
      : entry.kind === 'refused'
        ? `#${entry.requestId} refused ${entry.code}${entry.ms === null || entry.ms === undefined ? '' : ` after ${entry.ms} ms`}`
        : entry.kind === 'sent'
          ? `#${entry.requestId}`
          : '';
  return (
    <li className="sk-devtools-entry" data-kind={entry.kind}>
      <span className="sk-devtools-time">{time(entry.at)}</span> <strong>{entry.kind}</strong> <code>{entry.event}</code> {detail}
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

async function devAction(serverUrl: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${serverUrl.replace(/\/+$/, '')}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path} → ${res.status}`);
}

/**
 * A devtools panel for one socketkit client: connection state and its
 * transitions (reason, time in the previous state), the event log (sent,
 * acked with round trip, refused with code, received; filter; pause;
 * payloads expandable) and development actions. Reads the client's trace,
 * which development builds make (`client.trace`); import it from
 * `socketkit/devtools` only where you want it: nothing else pulls it in.
 *
 * @example
 * {import.meta.env.DEV && <SocketkitDevtools client={client} serverUrl="http://localhost:3001" />}
 */
export function SocketkitDevtools({ client, serverUrl, limit }: SocketkitDevtoolsProps) {
  const recorder = useMemo(() => createDevtoolsRecorder(client, { limit }), [client, limit]);
  useEffect(() => () => recorder.destroy(), [recorder]);
  const { log, transitions, paused } = useSyncExternalStore(recorder.subscribe, recorder.getSnapshot, recorder.getSnapshot);
  const connection = useSyncExternalStore(client.connection.subscribe, client.connection.getSnapshot, client.connection.getServerSnapshot);
  const [filter, setFilter] = useState('');
  const [actionError, setActionError] = useState<string | null>(null);
  const shown = filter ? log.filter((e) => e.event.includes(filter) || (e.conversationId ?? '').includes(filter)) : log;
  const run = (action: () => Promise<void>) => {
    setActionError(null);
    action().catch((error: unknown) => setActionError(error instanceof Error ? error.message : String(error)));
  };
  return (
    <section className="sk-devtools" aria-label="socketkit devtools" data-status={connection.status}>
      <header>
        <strong>socketkit</strong> <span className="sk-devtools-status">{connection.status}</span>
        {connection.userId && <span> as {connection.userId}</span>}
        {connection.error && <span> · {connection.error.code}</span>}
      </header>
      <div className="sk-devtools-actions">
        <button type="button" onClick={() => client.reconnect()}>Reconnect</button>
        {serverUrl && connection.userId && (
          <button type="button" onClick={() => run(() => devAction(serverUrl, '/dev/disconnect', { userId: connection.userId }))}>
            Drop connection
          </button>
        )}
        {serverUrl && (
          <button type="button" onClick={() => run(() => devAction(serverUrl, '/dev/latency', { ms: 500 }))}>Add 500 ms latency</button>
        )}
        {serverUrl && (
          <button type="button" onClick={() => run(() => devAction(serverUrl, '/dev/latency', { ms: 0 }))}>No latency</button>
        )}
        {actionError && <span role="alert">{actionError}</span>}
      </div>
      <h3>Transitions</h3>
      <ol className="sk-devtools-transitions">
        {transitions.map((t, i) => (
          <li key={i}>
            <span className="sk-devtools-time">{time(t.at)}</span> {t.from} → <strong>{t.state}</strong> ({t.event}
            {t.reason ? `: ${t.reason}` : ''}) after {t.afterMs} ms
          </li>
        ))}
      </ol>
      <h3>Events</h3>
      <div className="sk-devtools-toolbar">
        <label>
          Filter <input value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="event or conversation" />
        </label>
        <button type="button" aria-pressed={paused} onClick={() => recorder.setPaused(!paused)}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" onClick={() => recorder.clear()}>Clear</button>
      </div>
      <ol className="sk-devtools-log" aria-live="off">
        {shown.map((entry) => (
          <LogRow key={entry.seq} entry={entry} />
        ))}
      </ol>
    </section>
  );
}
