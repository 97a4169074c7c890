import { LIMITS } from '../../protocol/index.js';

/** Deepest nesting accepted in a handshake's `auth` (socketkit's own fields are 2 deep). */
export const MAX_AUTH_DEPTH = 8;
/** Most values (objects, arrays and scalars together) accepted in a handshake's `auth`. */
export const MAX_AUTH_VALUES = 4 * LIMITS.maxPresenceIds;

/** A refused handshake `auth`, with the code a client sees in `connect_error.data`. */
export class HandshakeError extends Error {
  readonly data = { code: 'BAD_REQUEST' as const };
  constructor(reason: string) {
    super(`Bad handshake: ${reason}`);
    this.name = 'HandshakeError';
  }
}

/**
 * Checks a handshake's `auth` before anything reads it (issue 24 #1): a plain
 * object, at most {@link MAX_AUTH_DEPTH} deep and {@link MAX_AUTH_VALUES}
 * values. Walks without recursion, so a hostile nesting cannot overflow the
 * stack here. (The shape of `auth.presence` is `presence:subscribe`'s to
 * check: a wrong one is answered in `connection:established`.) Throws
 * {@link HandshakeError}.
 */
export function checkHandshakeAuth(auth: unknown): void {
  if (auth === undefined || auth === null) return;
  if (typeof auth !== 'object' || Array.isArray(auth)) throw new HandshakeError('auth is not an object');
  const pending: [unknown, number][] = [[auth, 1]];
  let values = 0;
  while (pending.length > 0) {
    const [value, depth] = pending.pop() as [unknown, number];
    values += 1;
    if (values > MAX_AUTH_VALUES) throw new HandshakeError(`auth holds more than ${MAX_AUTH_VALUES} values`);
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_AUTH_DEPTH) throw new HandshakeError(`auth is nested deeper than ${MAX_AUTH_DEPTH}`);
    for (const child of Object.values(value)) pending.push([child, depth + 1]);
  }
}
