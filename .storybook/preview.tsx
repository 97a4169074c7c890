import type { Preview } from '@storybook/react-vite';
import 'socketkit/ui/styles.css';
import './preview.css';

const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];

const preview: Preview = {
  globalTypes: {
    user: {
      description: 'The signed-in user of live stories',
      toolbar: { title: 'User', icon: 'user', items: users, dynamicTitle: true },
    },
    theme: {
      description: 'Light or dark theme ([data-theme])',
      toolbar: {
        title: 'Theme',
        icon: 'mirror',
        items: [
          { value: 'light', title: 'Light' },
          { value: 'dark', title: 'Dark' },
        ],
        dynamicTitle: true,
      },
    },
  },
  initialGlobals: { user: 'alice', theme: 'light' },
  decorators: [
    (Story, context) => (
      <div
        className="sb-frame"
        data-theme={String(context.globals.theme ?? 'light')}
        data-width={context.parameters.narrow ? 'mobile' : undefined}
      >
        <Story />
      </div>
    ),
  ],
  parameters: {
    layout: 'fullscreen',
    controls: { expanded: true },
    a11y: { test: 'error' },
  },
};

export default preview;
