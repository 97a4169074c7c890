/**
 * Issuing tokens the server accepts: the signing half of `verifyToken`, with
 * the same secret resolution (`resolveJwtSecret()`: env `JWT_SECRET`, read at
 * call time), algorithm (the first of `jwt.algorithms`, default HS256),
 * issuer and audience. An app's login route calls it; see docs/server.md.
 */
import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Algorithm, SignOptions } from 'jsonwebtoken';
import { LIMITS } from '../../protocol/index.js';
import { pinnedAlgorithms, type JwtOptions } from './auth.js';
import { requireJwtSecret } from './secret.js';

/** What a token carries: `userId` (or `sub`) and optional profile claims (`identityFromClaims` reads them). */
export interface TokenClaims {
  userId?: string | number;
  sub?: string;
  name?: string;
  email?: string;
  avatarUrl?: string;
  [claim: string]: unknown;
}

/** Options of `signToken` / `createTokenSigner`: pass the same `secret` and `jwt` as to `createSocketkitServer`. */
export interface TokenSignerOptions {
  /**
   * Default `resolveJwtSecret()` (env `JWT_SECRET`; throws in production when
   * unset; the loud development fallback otherwise), exactly as the server.
   * For RS256/ES256 pass the private key here and the public key to the server.
   */
  secret?: string | KeyObject | undefined;
  /** The server's `jwt` option: the first algorithm signs; a string `issuer`/`audience` (or the first of a list) is set. */
  jwt?: JwtOptions | undefined;
  /** Lifetime in seconds. Default 3600. */
  expiresInS?: number | undefined;
}

/** A function that signs claims, with an optional per-token lifetime in seconds. */
export type TokenSigner = (claims: TokenClaims, options?: { expiresInS?: number }) => string;

const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/**
 * Resolves the secret and settings once and returns a signer.
 *
 * @throws Error from `resolveJwtSecret()` when `JWT_SECRET` is unset in production.
 * @example
 * const signToken = createTokenSigner({ jwt: { issuer: 'my-app' } }); // same options as the server
 * app.post('/login', (req, res) => res.json({ token: signToken({ userId: user.id, name: user.name }) }));
 */
export function createTokenSigner(options: TokenSignerOptions = {}): TokenSigner {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`createTokenSigner: options must be an object ({ secret?, jwt?, expiresInS? }), got ${options === null ? 'null' : typeof options}`);
  }
  const secret = options.secret ?? requireJwtSecret();
  const algorithm: Algorithm = pinnedAlgorithms(options.jwt)[0]!;
  const issuer = first(options.jwt?.issuer);
  const audience = first(options.jwt?.audience);
  return (claims, perToken = {}) => {
    if (typeof claims !== 'object' || claims === null) {
      throw new TypeError(`signToken: claims must be an object with userId (or sub), e.g. signToken({ userId: 'alice' }); got ${claims === null ? 'null' : typeof claims}`);
    }
    const id = claims.userId ?? claims.sub;
    const valid = (typeof id === 'string' && id.length > 0 && id.length <= LIMITS.maxIdLength) || (typeof id === 'number' && Number.isFinite(id));
    if (!valid) throw new TypeError('[socketkit] signToken: claims need a userId (string or number) or sub; the server refuses a token without one.');
    const signOptions: SignOptions = { algorithm, expiresIn: perToken.expiresInS ?? options.expiresInS ?? 3600 };
    if (issuer !== undefined) signOptions.issuer = issuer;
    if (audience !== undefined) signOptions.audience = audience;
    return jwt.sign({ ...claims }, secret, signOptions);
  };
}

/**
 * Signs one token the server verifies (see `createTokenSigner`, which resolves the secret once).
 *
 * @throws TypeError when the claims have neither `userId` nor `sub`; Error when `JWT_SECRET` is unset in production.
 * @example
 * const token = signToken({ userId: 'alice', name: 'Alice Martin' });
 */
export function signToken(claims: TokenClaims, options: TokenSignerOptions = {}): string {
  return createTokenSigner(options)(claims);
}
