import { useState } from 'react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { ChatPanel, ConversationList } from 'socketkit/ui';
import { LiveProvider, useLive, withLive } from './support/live';
import { untilReady } from './support/ready';

const meta = {
  title: 'Inbox/ConversationList',
  component: ConversationList,
  decorators: [withLive],
  play: untilReady,
  parameters: { socketkit: { ready: { selector: '.sk-conversations[data-status="ready"] .sk-conversation' } } },
} satisfies Meta<typeof ConversationList>;

export default meta;
type Story = StoryObj<typeof meta>;

/** The signed-in user's conversations: unread badges, previews, presence; arrow keys move, Enter opens. */
export const Live: Story = {
  render: function Render(args) {
    const [selected, setSelected] = useState<string | null>(null);
    return (
      <div style={{ display: 'grid', gridTemplateColumns: '280px 1fr', gap: 16, height: 480 }}>
        <ConversationList {...args} selectedId={selected} onSelect={setSelected} />
        {selected ? <ChatPanel key={selected} conversationId={selected} title={selected} /> : <p>Pick a conversation.</p>}
      </div>
    );
  },
};

/** One device of the signed-in user: a list and the conversation it opened (which marks it read). */
function Device({ label }: { label: string }) {
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <section aria-label={label} style={{ border: '1px solid var(--sk-border)', borderRadius: 8, padding: 8 }}>
      <h3 style={{ margin: '0 0 8px' }}>{label}</h3>
      <ConversationList selectedId={selected} onSelect={setSelected} />
      {selected && <ChatPanel key={selected} conversationId={selected} title={selected} style={{ height: 320 }} />}
    </section>
  );
}

/**
 * Two devices of one user side by side, each with its own connection: open a
 * conversation on the phone and the laptop's badge drops at once (read state
 * lives on the server).
 */
export const TwoDevicesOfOneUser: Story = {
  parameters: { socketkit: { ready: { selector: '[aria-label="Laptop"] .sk-conversations[data-status="ready"] .sk-conversation' } } },
  render: function Render() {
    const { userId } = useLive();
    return (
      <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 16 }}>
        <Device label="Phone" />
        <LiveProvider userId={userId}>
          <Device label="Laptop" />
        </LiveProvider>
      </div>
    );
  },
};
