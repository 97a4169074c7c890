import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { RealtimeClient } from 'socketkit';
import { ClientState } from './ClientState.js';
import { EventLog } from './EventLog.js';
import { clockTime } from './format.js';
import { createInspectionStore } from './inspection.js';
import { createDevtoolsRecorder } from './recorder.js';
import { DEVTOOLS_STYLES } from './styles.js';

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
  /** How often the outbox, conversations and watches are read, ms. Default 500. */
  inspectEveryMs?: number;
}

async function devAction(serverUrl: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${serverUrl.replace(/\/+$/, '')}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path} → ${res.status}`);
}

/** Buttons of the development actions: the client's own (reconnect, go offline) and, with `serverUrl`, the server's. */
function Actions({ client, serverUrl, userId }: { client: RealtimeClient; serverUrl: string | undefined; userId: string | null }) {
  const [error, setError] = useState<string | null>(null);
  const run = (action: () => Promise<void>) => {
    setError(null);
    action().catch((caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)));
  };
  return (
    <div className="sk-devtools-actions">
      <button type="button" onClick={() => client.reconnect()}>Reconnect</button>{' '}
      <button type="button" onClick={() => client.disconnect()}>Go offline</button>{' '}
      {serverUrl && userId && (
        <button type="button" onClick={() => run(() => devAction(serverUrl, '/dev/disconnect', { userId }))}>Drop connection</button>
      )}{' '}
      {serverUrl && (
        <button type="button" onClick={() => run(() => devAction(serverUrl, '/dev/latency', { ms: 500 }))}>Add 500 ms latency</button>
      )}{' '}
      {serverUrl && (
        <button type="button" onClick={() => run(() => devAction(serverUrl, '/dev/latency', { ms: 0 }))}>No latency</button>
      )}
      {error && <span role="alert"> {error}</span>}
    </div>
  );
}

/**
 * A devtools panel for one socketkit client: connection state and its
 * transitions (reason, time in the previous state), the event log (sent,
 * acked with round trip, refused with code, received; filter by event and
 * conversation; pause; payloads expandable), the outbox (status, failed
 * attempts), the conversations held (joins, seq cursors), the watched
 * presence, and development actions. Reads the client's trace and
 * `inspectClient`, which development builds make; import it from
 * `socketkit/devtools` only where you want it: nothing else pulls it in.
 *
 * @example
 * {import.meta.env.DEV && <SocketkitDevtools client={client} serverUrl="http://localhost:3001" />}
 */
export function SocketkitDevtools({ client, serverUrl, limit, inspectEveryMs }: SocketkitDevtoolsProps) {
  const recorder = useMemo(() => createDevtoolsRecorder(client, { limit }), [client, limit]);
  useEffect(() => () => recorder.destroy(), [recorder]);
  const inspection = useMemo(() => createInspectionStore(client, { everyMs: inspectEveryMs }), [client, inspectEveryMs]);
  const { log, transitions, paused } = useSyncExternalStore(recorder.subscribe, recorder.getSnapshot, recorder.getSnapshot);
  const state = useSyncExternalStore(inspection.subscribe, inspection.getSnapshot, inspection.getSnapshot);
  const connection = useSyncExternalStore(client.connection.subscribe, client.connection.getSnapshot, client.connection.getServerSnapshot);
  return (
    <section className="sk-devtools" aria-label="socketkit devtools" data-status={connection.status}>
      <style>{DEVTOOLS_STYLES}</style>
      <header>
        <strong>socketkit</strong> <span className="sk-devtools-status">{connection.status}</span>
        {connection.userId && <span> as {connection.userId}</span>}
        {connection.error && <span> · {connection.error.code}</span>}
      </header>
      <Actions client={client} serverUrl={serverUrl} userId={connection.userId} />
      {process.env.NODE_ENV === 'production' && (
        <p className="sk-devtools-empty">Production build: the client makes no trace, so sends, acks and transitions are not shown.</p>
      )}
      <h3>Transitions</h3>
      <ol className="sk-devtools-transitions">
        {transitions.map((t, i) => (
          <li key={i}>
            <span className="sk-devtools-time">{clockTime(t.at)}</span> {t.from} → <strong>{t.state}</strong> ({t.event}
            {t.reason ? `: ${t.reason}` : ''}) after {t.afterMs} ms
          </li>
        ))}
      </ol>
      <ClientState inspection={state} />
      <EventLog log={log} paused={paused} recorder={recorder} />
    </section>
  );
}
