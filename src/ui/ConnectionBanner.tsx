import { forwardRef, type HTMLAttributes } from 'react';
import { useConnectionBanner } from './useConnectionBanner.js';
import { useSocketkitUI } from './SocketkitUIProvider.js';
import { cx } from './cx.js';

/**
 * Props of `<ConnectionBanner>`: a `div`'s. When a problem shows is the
 * client's `lostAfterMs` (default 1000 ms), decided in the core.
 */
export type ConnectionBannerProps = HTMLAttributes<HTMLDivElement>;

/**
 * A banner for connection problems: reconnecting (with a countdown to the
 * next attempt), offline, failed and unauthorized (with a Retry button).
 * It is a polite live region that stays in the DOM so changes are announced;
 * `data-state` is `hidden` or the problem kind.
 */
export const ConnectionBanner = forwardRef<HTMLDivElement, ConnectionBannerProps>(function ConnectionBanner(
  { className, ...rest },
  ref,
) {
  const { visible, kind, secondsUntilRetry, retry } = useConnectionBanner();
  const { strings } = useSocketkitUI();
  const shown = visible && kind;
  const text =
    shown === 'reconnecting'
      ? strings.bannerReconnecting(secondsUntilRetry)
      : shown === 'offline'
        ? strings.bannerOffline
        : shown === 'failed'
          ? strings.bannerFailed
          : shown === 'unauthorized'
            ? strings.bannerUnauthorized
            : null;
  return (
    <div
      ref={ref}
      role="status"
      aria-live={shown === 'failed' || shown === 'unauthorized' ? 'assertive' : 'polite'}
      {...rest}
      className={cx('sk-banner', className)}
      data-state={shown || 'hidden'}
    >
      {text && (
        <>
          <span className="sk-banner-text">{text}</span>
          <button type="button" className="sk-button" onClick={retry}>
            {strings.retry}
          </button>
        </>
      )}
    </div>
  );
});
