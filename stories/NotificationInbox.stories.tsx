import type { Meta, StoryObj } from '@storybook/react-vite';
import { NotificationInbox } from 'socketkit/ui';
import { LiveProvider, useLive, withLive } from './support/live';
import { untilReady } from './support/ready';
import { dev } from './support/server';

const meta = {
  title: 'Inbox/NotificationInbox',
  component: NotificationInbox,
  decorators: [withLive],
  play: untilReady,
  args: { defaultOpen: true },
  parameters: { socketkit: { ready: { selector: '.sk-inbox-item, .sk-inbox .sk-list-note' } } },
} satisfies Meta<typeof NotificationInbox>;

export default meta;
type Story = StoryObj<typeof meta>;

function SendButton() {
  const { userId } = useLive();
  return (
    <button type="button" onClick={() => void dev.notify(userId, 'New mention', `carol mentioned you in #design at ${new Date().toLocaleTimeString()}`)}>
      Send me a notification
    </button>
  );
}

/** The stored notifications of the signed-in user (still there after a reload), with mark read and mark all read. */
export const Live: Story = {
  render: (args) => (
    <div style={{ display: 'flex', gap: 16, alignItems: 'start', minHeight: 460 }}>
      <SendButton />
      <NotificationInbox {...args} />
    </div>
  ),
};

/** Two devices of one user: mark a notification read on one, the other's badge drops. */
export const TwoDevicesOfOneUser: Story = {
  render: function Render(args) {
    const { userId } = useLive();
    return (
      <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 16, minHeight: 460 }}>
        <section aria-label="Phone">
          <SendButton />
          <NotificationInbox {...args} />
        </section>
        <LiveProvider userId={userId}>
          <section aria-label="Laptop">
            <NotificationInbox {...args} />
          </section>
        </LiveProvider>
      </div>
    );
  },
};
