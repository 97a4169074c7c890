import { forwardRef, type HTMLAttributes } from 'react';
import { useUserInfo } from './SocketkitUIProvider.js';
import { initials } from './format.js';
import { cx } from './cx.js';

/** Props of `<Avatar>`: a `span`'s, plus the user. */
export interface AvatarProps extends HTMLAttributes<HTMLSpanElement> {
  userId: string;
  /** Hide from assistive technology when the name is already next to it. */
  decorative?: boolean;
}

/** A user's avatar image, or initials when there is none; named by the user's display name. */
export const Avatar = forwardRef<HTMLSpanElement, AvatarProps>(function Avatar(
  { userId, decorative, className, ...rest },
  ref,
) {
  const { name, avatarUrl } = useUserInfo(userId);
  return (
    <span
      ref={ref}
      role={decorative ? undefined : 'img'}
      aria-label={decorative ? undefined : name}
      aria-hidden={decorative || undefined}
      title={name}
      {...rest}
      className={cx('sk-avatar', className)}
    >
      {avatarUrl ? <img src={avatarUrl} alt="" /> : initials(name)}
    </span>
  );
});
