import type { Meta, StoryObj } from '@storybook/react-vite';
import { ConnectionBanner } from 'socketkit/ui';
import { untilReady } from './support/ready';
import { withLive, type LiveParameters } from './support/live';

const meta = {
  title: 'Connection/ConnectionBanner',
  component: ConnectionBanner,
  decorators: [withLive],
  play: untilReady,
  parameters: { docs: { description: { component: 'Shows connection problems after a short threshold, so blips do not flash.' } } },
} satisfies Meta<typeof ConnectionBanner>;

export default meta;
type Story = StoryObj<typeof meta>;
const live = (socketkit: LiveParameters) => ({ socketkit });

/** Connected: the banner stays empty (use "Drop my connection" to see it come and go). */
export const Connected: Story = { parameters: live({ mode: 'live' }) };

/** The server is unreachable: reconnecting, with a countdown to the next attempt. */
export const Reconnecting: Story = { parameters: live({ mode: 'dead-server', ready: { selector: '.sk-banner[data-state="reconnecting"]' } }), tags: ['network-errors'] };

/** The app disconnected on purpose (or the browser is offline). */
export const Offline: Story = { parameters: live({ mode: 'offline', ready: { selector: '.sk-banner[data-state="offline"]' } }) };

/** Reconnection gave up: failed, with Retry. */
export const Failed: Story = { parameters: live({ mode: 'dead-server-fail', ready: { selector: '.sk-banner[data-state="failed"]' } }), tags: ['network-errors'] };

/** The server refused the token. (Chromium may log the long-polling request that races the refused handshake's close.) */
export const Unauthorized: Story = { parameters: live({ mode: 'bad-token', ready: { selector: '.sk-banner[data-state="unauthorized"]' } }), tags: ['network-errors'] };
