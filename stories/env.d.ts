/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** A live bundled server for the stories (e.g. http://localhost:3001). Default: none, the in-page server. */
  readonly STORYBOOK_SERVER_URL?: string;
}

interface Window {
  /** Set by the browser tests (page.addInitScript) to point stories at an ephemeral server. */
  __SOCKETKIT_SERVER_URL__?: string;
}
