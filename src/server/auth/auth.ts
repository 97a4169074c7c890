import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Algorithm, JwtPayload, VerifyOptions } from 'jsonwebtoken';
import { isStorableText, LIMITS } from '../../protocol/index.js';
import type { UserProfile } from '../../protocol/index.js';

/** JWT verification settings. */
export interface JwtOptions {
  /** Accepted algorithms. Default `['HS256']`. `none` is always removed. */
  algorithms?: Algorithm[] | undefined;
  /** Required `iss`, when set. */
  issuer?: string | string[] | undefined;
  /** Required `aud`, when set. */
  audience?: string | string[] | undefined;
  /** Clock tolerance at the handshake, in seconds. Default 5. */
  clockToleranceS?: number | undefined;
}

/** Default longest token lifetime, seconds (24 h): `maxTokenLifetimeS`. */
export const DEFAULT_MAX_TOKEN_LIFETIME_S = 86_400;

/** `verifyToken`'s settings: the JWT ones and the lifetime cap. */
export interface TokenPolicy extends JwtOptions {
  /** A token must have `exp`, at most this many seconds after `iat` (or now). Default 24 h; `Infinity` accepts no `exp`. */
  maxTokenLifetimeS?: number | undefined;
}

/** Profile fields carried by a token; absent fields leave the stored profile as it is. */
export type ProfileClaims = Pick<UserProfile, 'id'> & Partial<Omit<UserProfile, 'id'>>;

/** An authenticated identity: the user id (always a string) and the claims' profile. */
export interface AuthIdentity {
  userId: string;
  profile: ProfileClaims;
  /** Token expiry, epoch ms, or null for a token without `exp`. */
  expiresAt: number | null;
}

export { AuthError } from './auth-error.js';
import { AuthError } from './auth-error.js';

/** Keeps `none` out whatever the caller configured. */
export function pinnedAlgorithms(options: JwtOptions = {}): Algorithm[] {
  const algorithms = (options.algorithms ?? ['HS256']).filter((a) => a !== 'none');
  return algorithms.length > 0 ? algorithms : ['HS256'];
}

/**
 * Turns the configured secret into a `KeyObject` once. `jsonwebtoken` given
 * a string first tries it as a public key and catches the failure, on every
 * verification: a thrown exception per handshake in a connect storm.
 */
export function verificationKey(secret: string | KeyObject, options: JwtOptions = {}): KeyObject {
  if (typeof secret !== 'string') return secret;
  const symmetric = pinnedAlgorithms(options).every((a) => a.startsWith('HS'));
  if (!symmetric) {
    try {
      return createPublicKey(secret);
    } catch {
      // Not a PEM: fall through to a secret key; verification will refuse mismatches.
    }
  }
  return createSecretKey(Buffer.from(secret, 'utf8'));
}

const optionalString = (value: unknown, max: number): string | undefined =>
  typeof value === 'string' && value.length > 0 && value.length <= max && isStorableText(value) ? value : undefined;

/**
 * Verifies a token and maps it to an identity. Throws `AuthError` with
 * `TOKEN_MISSING`, `TOKEN_INVALID` or `TOKEN_EXPIRED`.
 */
export function verifyToken(token: unknown, secret: string | KeyObject, options: TokenPolicy = {}): AuthIdentity {
  if (typeof token !== 'string' || token.length === 0) throw new AuthError('TOKEN_MISSING', 'no token');
  // A token is a few hundred bytes; refuse to spend work on a huge one.
  if (token.length > 8192) throw new AuthError('TOKEN_INVALID', 'token too long');
  const verifyOptions: VerifyOptions = {
    algorithms: pinnedAlgorithms(options),
    clockTolerance: options.clockToleranceS ?? 5,
  };
  if (options.issuer !== undefined) verifyOptions.issuer = options.issuer as string | [string, ...string[]];
  if (options.audience !== undefined) verifyOptions.audience = options.audience as string | [string, ...string[]];
  let claims: JwtPayload;
  try {
    const decoded = jwt.verify(token, secret, verifyOptions);
    if (typeof decoded === 'string') throw new AuthError('TOKEN_INVALID', 'payload is not an object');
    claims = decoded;
  } catch (error) {
    if (error instanceof AuthError) throw error;
    if (error instanceof jwt.TokenExpiredError) throw new AuthError('TOKEN_EXPIRED', 'token expired');
    // jsonwebtoken's messages name what it expected ("jwt issuer invalid. expected: …"): keep only the part before.
    const reason = error instanceof Error ? error.message.split('. expected')[0]!.slice(0, 100) : 'invalid token';
    throw new AuthError('TOKEN_INVALID', reason);
  }
  // The clock tolerance lets a token through that expired a moment ago by our clock; the
  // connection's expiry timer would then fire at once and the client reconnect in a loop.
  // A token already past `exp` by our clock is refused instead (socketkit issue 9 #3).
  if (typeof claims.exp === 'number' && claims.exp * 1000 <= Date.now()) throw new AuthError('TOKEN_EXPIRED', 'token expired');
  checkLifetime(claims, options.maxTokenLifetimeS ?? DEFAULT_MAX_TOKEN_LIFETIME_S);
  return identityFromClaims(claims);
}

/** A token valid for ever, or for longer than `maxS`, is refused (issue 24 #8): a leaked one would work that long. */
function checkLifetime(claims: JwtPayload, maxS: number): void {
  if (maxS === Infinity) return;
  if (typeof claims.exp !== 'number') throw new AuthError('TOKEN_INVALID', 'token has no exp claim');
  const from = typeof claims.iat === 'number' ? claims.iat : Date.now() / 1000;
  if (claims.exp - from > maxS) throw new AuthError('TOKEN_INVALID', 'token lifetime too long');
}

/** `userId` claim, else `sub`; numbers become strings. */
export function identityFromClaims(claims: JwtPayload): AuthIdentity {
  const raw: unknown = claims.userId ?? claims.sub;
  const userId = typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : raw;
  if (typeof userId !== 'string' || userId.length === 0 || userId.length > LIMITS.maxIdLength || !isStorableText(userId)) {
    throw new AuthError('TOKEN_INVALID', 'token has no usable userId or sub claim');
  }
  const profile: ProfileClaims = { id: userId };
  const name = optionalString(claims.name, 200);
  if (name) profile.name = name;
  const email = optionalString(claims.email, 320);
  if (email) profile.email = email;
  const avatarUrl = optionalString(claims.avatarUrl, 2048);
  if (avatarUrl) profile.avatarUrl = avatarUrl;
  const expiresAt = typeof claims.exp === 'number' ? claims.exp * 1000 : null;
  return { userId, profile, expiresAt };
}

/** Reads the token from `auth.token`, else an `Authorization: Bearer` header (non-browser clients). */
export function tokenFromHandshake(handshake: {
  auth?: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}): unknown {
  const fromAuth = handshake.auth?.token;
  if (fromAuth !== undefined && fromAuth !== null && fromAuth !== '') return fromAuth;
  return bearerToken(handshake.headers.authorization);
}

/** The token of an `Authorization: Bearer …` header, if any. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return match?.[1];
}
