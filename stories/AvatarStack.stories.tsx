import type { Meta, StoryObj } from '@storybook/react-vite';
import { AvatarStack } from 'socketkit/ui';
import { untilReady } from './support/ready';
import { withLive } from './support/live';
import { useOtherUsers } from './support/others';

const meta = {
  title: 'Presence/AvatarStack',
  component: AvatarStack,
  decorators: [withLive],
  play: untilReady,
  args: { max: 5 },
} satisfies Meta<typeof AvatarStack>;

export default meta;
type Story = StoryObj<typeof meta>;

/** A few seed users online. */
export const FewOnline: Story = {
  parameters: { socketkit: { ready: { selector: '.sk-avatar-stack[data-count="3"]' } } },
  render: function Render(args) {
    // AvatarStack without userIds reads presence:list when it connects: mount it once the others are in.
    const ready = useOtherUsers(['bob', 'carol']);
    return ready ? <AvatarStack {...args} /> : <p className="sb-note">Signing in other users…</p>;
  },
};

const guests = Array.from({ length: 14 }, (_, i) => `guest-${i + 1}`);

/** Many users online: five avatars and a "+N" overflow. */
export const ManyOnline: Story = {
  parameters: { socketkit: { ready: { selector: '.sk-avatar-more' } } },
  render: function Render(args) {
    const ready = useOtherUsers(['bob', 'carol', 'dave', 'erin', 'frank', ...guests]);
    return ready ? <AvatarStack {...args} /> : <p className="sb-note">Signing in other users…</p>;
  },
};

/** Only the online ones of a given set (here: the `design` conversation). */
export const OfParticipants: Story = {
  args: { userIds: ['alice', 'carol', 'dave'] },
  parameters: { socketkit: { ready: { selector: '.sk-avatar-stack[data-count="2"], .sk-avatar-stack[data-count="3"]' } } },
  render: function Render(args) {
    useOtherUsers(['carol']);
    return <AvatarStack {...args} />;
  },
};
