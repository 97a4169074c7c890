import type { Meta, StoryObj } from '@storybook/react-vite';
import { PresenceBadge } from 'socketkit/ui';
import { untilReady } from './support/ready';
import { withLive } from './support/live';
import { useOtherUsers } from './support/others';

const meta = {
  title: 'Presence/PresenceBadge',
  component: PresenceBadge,
  decorators: [withLive],
  play: untilReady,
  args: { userId: 'bob', showLabel: true },
} satisfies Meta<typeof PresenceBadge>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Live: whatever the user's presence is now (open another tab as that user to flip it). */
export const Live: Story = {};

/** The story keeps the user online with its own socket. */
export const Online: Story = {
  args: { userId: 'carol' },
  parameters: { socketkit: { ready: { selector: '.sk-presence[data-online="true"]' } } },
  render: function Render(args) {
    // Shown once that user's socket is in, so the badge does not depend on who was first.
    const ready = useOtherUsers([args.userId]);
    return ready ? <PresenceBadge {...args} /> : <p className="sb-note">Signing in {args.userId}…</p>;
  },
};

/** A user who has not been online since the server started. */
export const Offline: Story = { args: { userId: 'frank' } };

/** Dot only; the label is the accessible name. */
export const DotOnly: Story = { args: { userId: 'bob', showLabel: false } };
