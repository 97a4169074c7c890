/** Buttons that drive the bundled server's dev endpoints from inside a story. */
import { useState } from 'react';
import { ConnectionStatus } from 'socketkit/ui';
import { dev } from './server';
import { useLive } from './live';

const LATENCIES = [0, 300, 1500];

/** Latency, disconnects and reset, plus the connection status of the story's client. */
export function DevPanel() {
  const { userId, directoryError } = useLive();
  const [latency, setLatency] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const run = (action: () => Promise<unknown>) => {
    setError(null);
    action().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  return (
    <aside className="sb-dev-panel" aria-label="Server controls">
      <span>
        Signed in as <strong>{userId}</strong> · <ConnectionStatus />
      </span>
      <label>
        Latency{' '}
        <select
          value={latency}
          onChange={(e) => {
            const ms = Number(e.target.value);
            setLatency(ms);
            run(() => dev.latency(ms));
          }}
        >
          {LATENCIES.map((ms) => (
            <option key={ms} value={ms}>
              {ms} ms
            </option>
          ))}
        </select>
      </label>
      <button type="button" onClick={() => run(() => dev.disconnect(userId))}>
        Drop my connection
      </button>
      <button type="button" onClick={() => run(() => dev.disconnect())}>
        Drop everyone
      </button>
      <button type="button" onClick={() => run(() => dev.reset())}>
        Reset server
      </button>
      {(error ?? directoryError) && <span role="alert">{error ?? `Directory: ${directoryError}`}</span>}
    </aside>
  );
}
