import type { UserPresence } from 'socketkit';

/** What presence hooks return before the server answered (and on the server). */
export const UNKNOWN_PRESENCE: UserPresence = Object.freeze({ online: false, since: null, lastSeen: null });
