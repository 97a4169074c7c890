/**
 * The JWT secret, read lazily.
 *
 * The seed read `process.env.JWT_SECRET` at module load, before `dotenv`
 * ran, and signed and verified with two different secrets. Reading it only
 * when the first server starts makes that ordering bug impossible.
 */

/** Development-only fallback of `resolveJwtSecret()` (mock server, tests). Never used when `NODE_ENV=production`, nor by default. */
export const DEV_FALLBACK_SECRET = 'socketkit-dev-only-secret-DO-NOT-USE-IN-PRODUCTION';

let warned = false;

/**
 * Returns `JWT_SECRET` from the environment, read at call time.
 *
 * - Set: returned as is.
 * - Unset and `NODE_ENV=production`: throws, so a misconfigured deployment
 *   refuses to start instead of accepting tokens signed with a known secret.
 * - Unset otherwise: warns loudly (once per process) and returns a
 *   development-only fallback.
 */
export function resolveJwtSecret(env: NodeJS.ProcessEnv = process.env): string {
  const secret = env.JWT_SECRET;
  if (secret) return secret;
  if (env.NODE_ENV === 'production') {
    throw new Error('JWT_SECRET is not set. socketkit refuses to start in production without it.');
  }
  if (!warned) {
    warned = true;
    console.warn(
      '\n[socketkit] WARNING: JWT_SECRET is not set; using a DEVELOPMENT-ONLY fallback secret.\n' +
        '[socketkit] Anyone can forge tokens for this server. Set JWT_SECRET before deploying.\n',
    );
  }
  return DEV_FALLBACK_SECRET;
}

/**
 * `JWT_SECRET` from the environment, or a thrown Error: the default of
 * `createSocketkitServer` and `createTokenSigner`, which never fall back to a
 * development secret, whatever `NODE_ENV` says (issue 24 #6: with `NODE_ENV`
 * unset, a forged token was accepted). The mock server and tests ask for the
 * fallback explicitly with `resolveJwtSecret()`.
 */
export function requireJwtSecret(env: NodeJS.ProcessEnv = process.env): string {
  const secret = env.JWT_SECRET;
  if (secret) return secret;
  throw new Error('JWT_SECRET is not set: pass `secret` or set JWT_SECRET (socketkit has no default secret; a development one only through resolveJwtSecret()).');
}
