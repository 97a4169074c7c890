/**
 * MSW in the Storybook preview. With no live server configured (see
 * `configuredServerUrl`), its worker carries the in-page socketkit server
 * (socketkit/mock-server/browser): the WebSocket link and the HTTP routes,
 * as its initial handlers, so a story's `worker.resetHandlers()` keeps them.
 * Stories that mock other REST answers (a failing `/api/users`) add theirs
 * with `worker.use`.
 */
import { setupWorker } from 'msw/browser';
import { createInPageServer, type InPageServer } from 'socketkit/mock-server/browser';

/**
 * The live server's URL when one is configured: `window.__SOCKETKIT_SERVER_URL__`
 * (tests), then `?serverUrl=` on the preview URL, then `STORYBOOK_SERVER_URL`
 * at build time. Null: stories run on the in-page server.
 */
export function configuredServerUrl(): string | null {
  const fromQuery = typeof location === 'undefined' ? null : new URLSearchParams(location.search).get('serverUrl');
  const url = (typeof window === 'undefined' ? undefined : window.__SOCKETKIT_SERVER_URL__) ?? fromQuery ?? import.meta.env.STORYBOOK_SERVER_URL;
  return url ? url.replace(/\/+$/, '') : null;
}

/** The in-page server of this page, unless a live server is configured. */
export const inPage: InPageServer | null = configuredServerUrl() === null ? createInPageServer() : null;

export const worker = setupWorker(...(inPage?.handlers ?? []));
let started: Promise<unknown> | null = null;

/** Starts the worker once per page; later calls wait for the same start. */
export function startMsw(): Promise<unknown> {
  started ??= worker.start({
    quiet: true,
    onUnhandledRequest: 'bypass',
    serviceWorker: { url: `${import.meta.env.BASE_URL ?? '/'}mockServiceWorker.js` },
  });
  return started;
}

/** Resolves once the stories' server answers: at once for a live server, after the worker started for the in-page one. */
export async function serverReady(): Promise<void> {
  if (inPage) await startMsw();
}
