import type { Meta, StoryObj } from '@storybook/react-vite';
import { ConnectionStatus } from 'socketkit/ui';
import { untilReady } from './support/ready';
import { withLive } from './support/live';

const meta = {
  title: 'Connection/ConnectionStatus',
  component: ConnectionStatus,
  decorators: [withLive],
  play: untilReady,
  args: { showLabel: true },
  parameters: { socketkit: { devPanel: false } },
} satisfies Meta<typeof ConnectionStatus>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Connected: Story = {};
export const Reconnecting: Story = { parameters: { socketkit: { mode: 'dead-server', devPanel: false, ready: { selector: '.sk-status[data-status="reconnecting"]' } } }, tags: ['network-errors'] };
export const Failed: Story = { parameters: { socketkit: { mode: 'dead-server-fail', devPanel: false, ready: { selector: '.sk-status[data-status="failed"]' } } }, tags: ['network-errors'] };
export const DotOnly: Story = { args: { showLabel: false } };
