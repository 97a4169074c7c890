import { AUTH_ERROR_PREFIX } from '../../protocol/index.js';
import type { AuthErrorCode } from '../../protocol/index.js';

/** A refused token, with the code the client sees in `connect_error.data`. */
export class AuthError extends Error {
  readonly data: { code: AuthErrorCode };
  constructor(
    readonly code: AuthErrorCode,
    reason: string,
  ) {
    super(`${AUTH_ERROR_PREFIX}: ${reason}`);
    this.name = 'AuthError';
    this.data = { code };
  }
}
