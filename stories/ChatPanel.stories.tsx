import type { Meta, StoryObj } from '@storybook/react-vite';
import { AvatarStack, ChatPanel, ConnectionBanner } from 'socketkit/ui';
import { untilReady } from './support/ready';
import { withLive } from './support/live';
import { useOtherUsers, useReplyingUser } from './support/others';

const PARTICIPANTS: Record<string, string[]> = {
  general: ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'],
  'alice-bob': ['alice', 'bob'],
  design: ['alice', 'carol', 'dave'],
  'long-history': ['alice', 'bob'],
  empty: ['alice', 'bob', 'carol'],
};

const meta = {
  title: 'Chat/ChatPanel',
  component: ChatPanel,
  decorators: [withLive],
  play: untilReady,
  args: { conversationId: 'general', title: '# general' },
  argTypes: { conversationId: { control: 'select', options: Object.keys(PARTICIPANTS) } },
  parameters: { socketkit: { ready: { selector: '.sk-chat[data-status="joined"] .sk-message' } } },
  render: (args) => (
    <>
      <ConnectionBanner />
      <div className="sb-chat-box">
        <ChatPanel {...args} headerEnd={<AvatarStack userIds={PARTICIPANTS[args.conversationId]} max={4} />} />
      </div>
    </>
  ),
} satisfies Meta<typeof ChatPanel>;

export default meta;
type Story = StoryObj<typeof meta>;

/** The `general` room, live. Switch the user in the toolbar; open a second tab as someone else to chat. */
export const General: Story = {};

/** A two-person conversation (the browser tests chat here as alice and bob). */
export const AliceAndBob: Story = { args: { conversationId: 'alice-bob', title: 'Alice & Bob' } };

/** Bob is online and answers every message: chat with a second person with nothing else running. */
export const BobReplies: Story = {
  args: { conversationId: 'alice-bob', title: 'Alice & Bob' },
  parameters: { socketkit: { as: 'alice', ready: { selector: '.sb-chat-box[data-bob-joined="true"] .sk-chat[data-status="joined"] .sk-message' } } },
  render: function Render(args) {
    const bobHere = useReplyingUser('bob', args.conversationId);
    return (
      <div className="sb-chat-box" data-bob-joined={bobHere}>
        <ChatPanel {...args} headerEnd={<AvatarStack userIds={PARTICIPANTS[args.conversationId]} max={4} />} />
      </div>
    );
  },
};

/** No messages yet. */
export const EmptyConversation: Story = {
  args: { conversationId: 'empty', title: 'Empty' },
  parameters: { socketkit: { ready: { selector: '.sk-chat[data-status="joined"] .sk-empty' } } },
};

/** 10,000 messages: scroll up to load older pages; only visible rows are rendered. */
export const LongHistory: Story = { args: { conversationId: 'long-history', title: 'Long history' } };

/** Three other people typing at once (the story opens their sockets). */
export const SeveralTyping: Story = {
  parameters: { socketkit: { ready: { selector: '.sk-typing[data-active="true"]', text: '3 people are typing' } } },
  render: function Render(args) {
    useOtherUsers(['bob', 'carol', 'dave'], args.conversationId);
    return (
      <div className="sb-chat-box">
        <ChatPanel {...args} headerEnd={<AvatarStack userIds={PARTICIPANTS[args.conversationId]} max={4} />} />
      </div>
    );
  },
};

/** Offline: the composer says messages are queued; they are sent on reconnect. */
export const Offline: Story = { parameters: { socketkit: { mode: 'offline', ready: { selector: '.sk-banner[data-state="offline"]' } } } };

/** Dark theme. */
export const Dark: Story = { globals: { theme: 'dark' } };

/** A narrow phone-sized viewport. */
export const Mobile: Story = {
  globals: { viewport: { value: 'mobile1', isRotated: false } },
  parameters: { narrow: true },
};
