/**
 * Live stories reach their real state before Storybook reports them rendered:
 * `untilReady` is their play function, and Storybook emits `storyRendered`
 * only after the play function resolves. So screenshots, visual review, the
 * a11y addon and the browser tests see the live data, never a
 * "Signing in other users…" placeholder.
 */
import { waitFor } from 'storybook/test';

/** What shows a story's real state: an element matching `selector` whose text contains `text`, if given. */
export interface ReadyState {
  selector: string;
  text?: string;
}

/** The default: the story's client is connected (the dev panel's, or the story's own `ConnectionStatus`). */
export const CONNECTED: ReadyState = { selector: '.sk-status[data-status="connected"]' };

/** How long a story may take to reach its state (a loaded CI machine, a server with latency). */
const READY_TIMEOUT_MS = 30_000;

function isReady(root: ParentNode, { selector, text }: ReadyState): boolean {
  for (const el of root.querySelectorAll(selector)) if (text === undefined || (el.textContent ?? '').includes(text)) return true;
  return false;
}

/** Play function of live stories: waits for `parameters.socketkit.ready` (default `CONNECTED`). */
export async function untilReady({ canvasElement, parameters }: { canvasElement: HTMLElement; parameters: Record<string, unknown> }): Promise<void> {
  const ready = ((parameters.socketkit as { ready?: ReadyState } | undefined)?.ready ?? CONNECTED);
  await waitFor(
    () => {
      if (!isReady(canvasElement, ready)) throw new Error(`Waiting for ${ready.selector}${ready.text ? ` with "${ready.text}"` : ''}`);
    },
    { timeout: READY_TIMEOUT_MS, interval: 50 },
  );
}
