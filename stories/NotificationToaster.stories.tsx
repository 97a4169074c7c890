import { useEffect } from 'react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { NotificationToaster } from 'socketkit/ui';
import { useLive, withLive } from './support/live';
import { untilReady } from './support/ready';
import { dev } from './support/server';

const meta = {
  title: 'Notifications/NotificationToaster',
  component: NotificationToaster,
  decorators: [withLive],
  play: untilReady,
  args: { max: 5, durationMs: 0 },
} satisfies Meta<typeof NotificationToaster>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Sends `notification:new` to the signed-in user through the server (`POST /api/notifications`). */
export const Live: Story = {
  parameters: { socketkit: { ready: { selector: '.sk-toast' } } },
  render: function Render(args) {
    const { userId, client } = useLive();
    // One notification once connected, so the story shows a toast right away.
    useEffect(() => {
      let sent = false;
      const check = () => {
        if (!sent && client.connection.getSnapshot().status === 'connected') {
          sent = true;
          void dev.notify(userId, 'Deploy finished', 'socketkit 0.1.0 is live on staging.');
        }
      };
      check();
      return client.connection.subscribe(check);
    }, [client, userId]);
    return (
      <>
        <button type="button" onClick={() => void dev.notify(userId, 'New mention', `carol mentioned you in #design at ${new Date().toLocaleTimeString()}`)}>
          Send me a notification
        </button>
        <NotificationToaster {...args} />
      </>
    );
  },
};
