import { forwardRef, useState, type HTMLAttributes } from 'react';
import { useUserInfo } from './SocketkitUIProvider.js';
import { initials } from './format.js';
import { cx } from './cx.js';

/** Props of `<Avatar>`: a `span`'s, plus the user. */
export interface AvatarProps extends HTMLAttributes<HTMLSpanElement> {
  userId: string;
  /** Hide from assistive technology when the name is already next to it. */
  decorative?: boolean | undefined;
}

/** How many avatar colours the stylesheet defines (`--sk-avatar-0` … `--sk-avatar-7`, light and dark). */
export const AVATAR_COLOR_COUNT = 8;

/**
 * The palette slot of a user: a 32-bit FNV-1a hash of the id, modulo
 * `AVATAR_COLOR_COUNT`. Deterministic, so a user keeps one colour everywhere.
 */
export function avatarColorIndex(userId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % AVATAR_COLOR_COUNT;
}

/**
 * A user's avatar image, or their initials when there is none or the image
 * fails to load; named by the user's display name. The background is the
 * user's palette colour (`data-color`), readable in light and dark themes.
 */
export const Avatar = forwardRef<HTMLSpanElement, AvatarProps>(function Avatar(
  { userId, decorative, className, ...rest },
  ref,
) {
  const { name, avatarUrl } = useUserInfo(userId);
  // The URL that failed: a new URL is tried again.
  const [failedUrl, setFailedUrl] = useState<string | null>(null);
  const showImage = avatarUrl !== undefined && avatarUrl !== '' && avatarUrl !== failedUrl;
  return (
    <span
      ref={ref}
      role={decorative ? undefined : 'img'}
      aria-label={decorative ? undefined : name}
      aria-hidden={decorative || undefined}
      title={name}
      {...rest}
      className={cx('sk-avatar', className)}
      data-color={avatarColorIndex(userId)}
      data-image={showImage || undefined}
    >
      {showImage ? <img src={avatarUrl} alt="" onError={() => setFailedUrl(avatarUrl)} /> : initials(name)}
    </span>
  );
});
