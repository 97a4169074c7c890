/**
 * MSW in the Storybook preview: started only by stories that mock REST
 * answers the bundled server does not give (e.g. a failing `/api/users`).
 */
import { setupWorker } from 'msw/browser';

export const worker = setupWorker();
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
