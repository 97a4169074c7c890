import type { Meta, StoryObj } from '@storybook/react-vite';
import type { ClientMessage } from 'socketkit';
import { MessageList, SocketkitUIProvider } from 'socketkit/ui';

const users = { alice: { name: 'Alice Martin' }, bob: { name: 'Bob Chen' }, carol: { name: 'Carol Díaz' } };

function message(i: number, senderId: string, content: string, status: ClientMessage['status'] = 'sent', minutesAgo = 0): ClientMessage {
  return {
    id: `m${i}`,
    seq: status === 'sent' ? i : null,
    conversationId: 'demo',
    senderId,
    content,
    createdAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    clientMessageId: `c${i}`,
    status,
  };
}

const states: ClientMessage[] = [
  message(1, 'bob', 'Morning! Did the deploy go out?', 'sent', 60 * 26),
  message(2, 'alice', 'Yes, all green.', 'sent', 60 * 25),
  message(3, 'carol', 'Great work, both of you 🎉', 'sent', 30),
  message(4, 'carol', 'Lunch at noon?', 'sent', 29),
  message(5, 'alice', 'Sure, see you there', 'sent', 3),
  message(6, 'alice', 'This one is still on its way…', 'sending', 0),
  message(7, 'alice', 'This one could not be sent.', 'failed', 0),
];

const many: ClientMessage[] = Array.from({ length: 10_000 }, (_, i) =>
  message(i + 1, ['alice', 'bob', 'carol'][i % 3 === 0 ? 0 : i % 7 === 0 ? 2 : 1]!, `Message number ${i + 1}`, 'sent', (10_000 - i) * 3),
);

const meta = {
  title: 'Chat/MessageList',
  component: MessageList,
  args: { messages: states, currentUserId: 'alice' },
  render: (args) => (
    <SocketkitUIProvider users={users}>
      <div className="sb-chat-box">
        <MessageList {...args} />
      </div>
    </SocketkitUIProvider>
  ),
} satisfies Meta<typeof MessageList>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Grouping by sender and day, own messages, sending and failed (with Retry / Discard). */
export const States: Story = {};

/** 10,000 messages in memory: only the rows near the viewport are in the DOM. */
export const TenThousandMessages: Story = { args: { messages: many } };

/** Nothing to show. */
export const Empty: Story = { args: { messages: [] } };
