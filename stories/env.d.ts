/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Where stories find the bundled server. Default http://localhost:3001. */
  readonly STORYBOOK_SERVER_URL?: string;
}

interface Window {
  /** Set by the browser tests (page.addInitScript) to point stories at an ephemeral server. */
  __SOCKETKIT_SERVER_URL__?: string;
}
