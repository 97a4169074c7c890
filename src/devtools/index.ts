/**
 * `socketkit/devtools`: an in-page panel for one socketkit client (docs/devtools.md).
 * Built only on `socketkit` and `socketkit/react`'s peers; an app that does
 * not import this entry ships none of it (checked by `npm run size`).
 */
export { SocketkitDevtools, type SocketkitDevtoolsProps } from './SocketkitDevtools.js';
export {
  createDevtoolsRecorder,
  DEFAULT_DEVTOOLS_LIMIT,
  type DevtoolsRecorder,
  type DevtoolsSnapshot,
  type DevtoolsLogEntry,
  type DevtoolsTransition,
} from './recorder.js';
export { createInspectionStore, DEFAULT_INSPECT_EVERY_MS, type InspectionStore } from './inspection.js';
