/** The one timeout helper of the server (readiness probes, Redis connect and ping, leaving a cluster). */

/** The rejection of `withTimeout` when `ms` passed first. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * Settles as `promise` does, or rejects with `TimeoutError` ("`what` within
 * `ms` ms") when `ms` milliseconds pass first. The timer is cleared either
 * way, so nothing is left to keep the process alive. A rejection that is not
 * an `Error` is wrapped in one.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what = 'no answer'): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError(`${what} within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
