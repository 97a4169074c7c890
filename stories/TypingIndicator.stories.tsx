import type { Meta, StoryObj } from '@storybook/react-vite';
import { TypingIndicator } from 'socketkit/ui';
import { withLive } from './support/live';
import { useOtherUsers } from './support/others';

const meta = {
  title: 'Chat/TypingIndicator',
  component: TypingIndicator,
  decorators: [withLive],
  args: { conversationId: 'general' },
} satisfies Meta<typeof TypingIndicator>;

export default meta;
type Story = StoryObj<typeof meta>;

const typing = (userIds: string[]): Story => ({
  render: function Render(args) {
    useOtherUsers(userIds, args.conversationId);
    return <TypingIndicator {...args} />;
  },
});

/** "Bob Chen is typing" */
export const OnePerson: Story = typing(['bob']);
/** "Bob Chen and Carol Díaz are typing" */
export const TwoPeople: Story = typing(['bob', 'carol']);
/** "3 people are typing" */
export const SeveralPeople: Story = typing(['bob', 'carol', 'dave']);
