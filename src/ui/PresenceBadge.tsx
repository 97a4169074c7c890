import { forwardRef, type HTMLAttributes } from 'react';
import { usePresenceLabel } from './usePresenceLabel.js';
import { cx } from './cx.js';

/** Props of `<PresenceBadge>`: a `span`'s, plus the user and whether to show the text. */
export interface PresenceBadgeProps extends HTMLAttributes<HTMLSpanElement> {
  userId: string;
  /** Show "Online" / "Last seen …" next to the dot. Default false (the label is the accessible name). */
  showLabel?: boolean | undefined;
}

/**
 * An online/offline dot with an accessible label; `data-online` is `true` or
 * `false`; `data-stale` is set (dimmed dot) while the client is disconnected.
 */
export const PresenceBadge = forwardRef<HTMLSpanElement, PresenceBadgeProps>(function PresenceBadge(
  { userId, showLabel = false, className, ...rest },
  ref,
) {
  const { online, label, stale } = usePresenceLabel(userId);
  return (
    <span
      ref={ref}
      role={showLabel ? undefined : 'img'}
      aria-label={showLabel ? undefined : label}
      title={label}
      {...rest}
      className={cx('sk-presence', className)}
      data-online={online}
      data-stale={stale || undefined}
    >
      <span className="sk-dot" aria-hidden="true" />
      {showLabel && <span className="sk-presence-label">{label}</span>}
    </span>
  );
});
