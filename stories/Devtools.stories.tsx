import type { Meta, StoryObj } from '@storybook/react-vite';
import { SocketkitDevtools } from 'socketkit/devtools';
import { ChatPanel } from 'socketkit/ui';
import { untilReady } from './support/ready';
import { useLive, withLive } from './support/live';
import { useReplyingUser } from './support/others';
import { serverUrl } from './support/server';

/**
 * The devtools panel beside a chat on the in-page server: send a message and
 * watch its request, ack and round trip, the conversation's seq cursor move,
 * the outbox fill (Go offline, send) and empty again (Reconnect), and Bob
 * watched as a participant.
 */
function ChatWithDevtools({ conversationId }: { conversationId: string }) {
  const { client } = useLive();
  useReplyingUser('bob', conversationId);
  return (
    <div className="sb-devtools-demo">
      <div className="sb-chat-box">
        <ChatPanel conversationId={conversationId} title="Alice & Bob" />
      </div>
      <SocketkitDevtools client={client} serverUrl={serverUrl()} />
    </div>
  );
}

const meta = {
  title: 'Devtools/SocketkitDevtools',
  component: ChatWithDevtools,
  decorators: [withLive],
  play: untilReady,
  args: { conversationId: 'alice-bob' },
  parameters: {
    socketkit: { as: 'alice', devPanel: false, ready: { selector: '.sk-chat[data-status="joined"] .sk-message' } },
  },
} satisfies Meta<typeof ChatWithDevtools>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Bob answers each message; the panel logs the send, its ack with the round trip, and Bob's reply, and shows what the client holds. */
export const WithChat: Story = {};
