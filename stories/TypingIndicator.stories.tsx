import type { Meta, StoryObj } from '@storybook/react-vite';
import { TypingIndicator } from 'socketkit/ui';
import { untilReady } from './support/ready';
import { withLive } from './support/live';
import { useOtherUsers } from './support/others';

const meta = {
  title: 'Chat/TypingIndicator',
  component: TypingIndicator,
  decorators: [withLive],
  play: untilReady,
  args: { conversationId: 'general' },
} satisfies Meta<typeof TypingIndicator>;

export default meta;
type Story = StoryObj<typeof meta>;

const typing = (userIds: string[], shown: string): Story => ({
  parameters: { socketkit: { ready: { selector: '.sk-typing[data-active="true"]', text: shown } } },
  render: function Render(args) {
    useOtherUsers(userIds, args.conversationId);
    return <TypingIndicator {...args} />;
  },
});

/** "Bob Chen is typing" */
export const OnePerson: Story = typing(['bob'], 'Bob Chen is typing');
/** "Bob Chen and Carol Díaz are typing" */
export const TwoPeople: Story = typing(['bob', 'carol'], 'Bob Chen and Carol Díaz are typing');
/** "3 people are typing" */
export const SeveralPeople: Story = typing(['bob', 'carol', 'dave'], '3 people are typing');
