import type { Meta, StoryObj } from '@storybook/react-vite';
import { MessageComposer } from 'socketkit/ui';
import { untilReady } from './support/ready';
import { withLive } from './support/live';

const meta = {
  title: 'Chat/MessageComposer',
  component: MessageComposer,
  decorators: [withLive],
  play: untilReady,
  args: { conversationId: 'general' },
} satisfies Meta<typeof MessageComposer>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Enter sends to `general`, Shift+Enter adds a line; typing is sent as you type. */
export const Connected: Story = {};

/** Offline: still usable, and says messages are queued. */
export const Offline: Story = { parameters: { socketkit: { mode: 'offline', ready: { selector: '.sk-composer[data-queued="true"]' } } } };
