import { createElement, useEffect, useInsertionEffect, useRef, useState, type ReactNode } from './react.js';
import { createRealtimeClient, releaseLater, type RealtimeClient, type RealtimeClientOptions } from 'socketkit';
import { RealtimeContext } from './useRealtimeClient.js';

/** Provide a client you created and own (you connect and destroy it). */
export interface RealtimeProviderClientProps {
  client: RealtimeClient;
  children?: ReactNode | undefined;
}

/** Let the provider create, connect and destroy a client for this subtree. */
export interface RealtimeProviderUrlProps {
  client?: undefined;
  url: string;
  /** A fixed token; read again before every connection attempt, so a new prop value is used on reconnect. */
  token?: string | undefined;
  /** Called before every connection attempt; the latest prop is always used. */
  getToken?: RealtimeClientOptions['getToken'] | undefined;
  /** Other client options, read once at creation. */
  options?: Omit<RealtimeClientOptions, 'url' | 'token' | 'getToken' | 'autoConnect'> | undefined;
  children?: ReactNode | undefined;
}

export type RealtimeProviderProps = RealtimeProviderClientProps | RealtimeProviderUrlProps;

/**
 * Makes a realtime client available to the hooks below it. Providers nest:
 * hooks use the nearest one, so one app can talk to several servers.
 *
 * With `url`, the provider owns its client: created once, connected in an
 * effect (never while rendering, never on the server) and destroyed on
 * unmount. The destroy is deferred by the core's `releaseLater` so StrictMode's
 * mount → unmount → mount keeps the one live connection. `url` and `options`
 * are read once; give the provider a `key` to switch servers.
 *
 * @example
 * <RealtimeProvider url="http://localhost:3001" getToken={() => auth.token()}>
 *   <App />
 * </RealtimeProvider>
 */
export function RealtimeProvider(props: RealtimeProviderProps) {
  const latest = useRef(props as RealtimeProviderUrlProps);
  useInsertionEffect(() => {
    latest.current = props as RealtimeProviderUrlProps;
  });
  // Owned exactly when no client was given at mount. autoConnect false keeps
  // creation free of side effects, so a render React throws away (StrictMode,
  // Suspense, the server) leaves nothing open.
  const [owned] = useState(() =>
    props.client
      ? null
      : createRealtimeClient({
          ...props.options,
          url: props.url,
          autoConnect: false,
          getToken: () => (latest.current.getToken ? latest.current.getToken() : latest.current.token),
        }),
  );
  // Mounted effects holding the owned client: StrictMode's re-mount takes it back before the deferred release runs.
  const [holders] = useState(() => ({ mounted: 0 }));
  useEffect(() => {
    if (!owned) return;
    holders.mounted++;
    owned.connect(); // a no-op when already connecting or connected
    return () => {
      holders.mounted--;
      releaseLater(() => {
        if (holders.mounted === 0) owned.destroy();
      });
    };
  }, [owned, holders]);
  // One of the two is set: `owned` exactly when no client was given. createElement,
  // not JSX: the entry then needs no `react/jsx-runtime` import.
  return createElement(RealtimeContext.Provider, { value: props.client ?? owned }, props.children);
}
