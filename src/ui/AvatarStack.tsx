import { forwardRef, type HTMLAttributes } from 'react';
import { useOnlineUserIds } from './useOnlineUserIds.js';
import { useSocketkitUI } from './SocketkitUIProvider.js';
import { Avatar } from './Avatar.js';
import { cx } from './cx.js';

/** Props of `<AvatarStack>`: a `div`'s, plus which users and how many avatars. */
export interface AvatarStackProps extends HTMLAttributes<HTMLDivElement> {
  /** Show those of these users who are online. Default: everyone online (`presence:list`). */
  userIds?: readonly string[] | undefined;
  /** Avatars shown before the "+N" overflow. Default 5. */
  max?: number | undefined;
}

/** Overlapping avatars of the users online now, with a "+N" overflow chip. */
export const AvatarStack = forwardRef<HTMLDivElement, AvatarStackProps>(function AvatarStack(
  { userIds, max = 5, className, ...rest },
  ref,
) {
  const online = useOnlineUserIds(userIds);
  const { strings } = useSocketkitUI();
  const shown = online.slice(0, max);
  const extra = online.length - shown.length;
  return (
    <div
      ref={ref}
      role="group"
      aria-label={strings.onlineUsersLabel(online.length)}
      {...rest}
      className={cx('sk-avatar-stack', className)}
      data-count={online.length}
    >
      {shown.map((id) => (
        <Avatar key={id} userId={id} />
      ))}
      {extra > 0 && (
        <span className="sk-avatar sk-avatar-more" role="img" aria-label={strings.moreUsers(extra)}>
          {strings.moreUsers(extra)}
        </span>
      )}
    </div>
  );
});
