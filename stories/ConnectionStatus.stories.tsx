import type { Meta, StoryObj } from '@storybook/react-vite';
import { ConnectionStatus } from 'socketkit/ui';
import { withLive } from './support/live';

const meta = {
  title: 'Connection/ConnectionStatus',
  component: ConnectionStatus,
  decorators: [withLive],
  args: { showLabel: true },
  parameters: { socketkit: { devPanel: false } },
} satisfies Meta<typeof ConnectionStatus>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Connected: Story = {};
export const Reconnecting: Story = { parameters: { socketkit: { mode: 'dead-server', devPanel: false } }, tags: ['network-errors'] };
export const Failed: Story = { parameters: { socketkit: { mode: 'dead-server-fail', devPanel: false } }, tags: ['network-errors'] };
export const DotOnly: Story = { args: { showLabel: false } };
