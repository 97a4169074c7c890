import type { Meta, StoryObj } from '@storybook/react-vite';
import { http, HttpResponse } from 'msw';
import { PresenceList } from 'socketkit/ui';
import { useLive, withLive } from './support/live';
import { untilReady } from './support/ready';
import { useOtherUsers } from './support/others';
import { startMsw, worker } from './support/msw';

const meta = {
  title: 'Presence/PresenceList',
  component: PresenceList,
  decorators: [withLive],
  play: untilReady,
  args: { userIds: ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'] },
} satisfies Meta<typeof PresenceList>;

export default meta;
type Story = StoryObj<typeof meta>;

/** The seed team with names from /api/users; some kept online by the story. */
export const Team: Story = {
  parameters: { socketkit: { ready: { selector: '.sk-presence[data-online="true"]' } } },
  render: function Render(args) {
    useOtherUsers(['bob', 'dave']);
    return <PresenceList {...args} />;
  },
};

/** `/api/users` fails (mocked by MSW): names fall back to user ids, the app says why. */
export const DirectoryUnavailable: Story = {
  // `msw`: registers a service worker (the browser tests give it its own context).
  tags: ['network-errors', 'msw'],
  parameters: { socketkit: { ready: { selector: '.sb-note' } } },
  beforeEach: async () => {
    await startMsw();
    worker.use(
      http.get('*/api/users', () =>
        HttpResponse.json({ error: { code: 'INTERNAL', message: 'Directory unavailable (mocked)' } }, { status: 500 }),
      ),
    );
    return () => worker.resetHandlers();
  },
  render: function Render(args) {
    const { directoryError } = useLive();
    return (
      <>
        {directoryError && <p className="sb-note">Could not load names ({directoryError}); showing user ids.</p>}
        <PresenceList {...args} />
      </>
    );
  },
};
