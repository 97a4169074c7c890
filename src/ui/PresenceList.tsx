import { forwardRef, memo, useMemo, type HTMLAttributes } from 'react';
import { usePresenceOf } from 'socketkit/react';
import { useSocketkitUI, useUserInfo } from './SocketkitUIProvider.js';
import { Avatar } from './Avatar.js';
import { PresenceBadge } from './PresenceBadge.js';
import { cx } from './cx.js';

/** Props of `<PresenceList>`: a `ul`'s, plus the users to list. */
export interface PresenceListProps extends HTMLAttributes<HTMLUListElement> {
  /** Users to list. Default: every user known to `<SocketkitUIProvider users>`. */
  userIds?: readonly string[] | undefined;
}

const Row = memo(function Row({ userId }: { userId: string }) {
  const { name } = useUserInfo(userId);
  return (
    <li className="sk-presence-row">
      <Avatar userId={userId} decorative />
      <span className="sk-presence-name">{name}</span>
      <PresenceBadge userId={userId} showLabel />
    </li>
  );
});

/** A list of users with avatar, name and presence, online users first. */
export const PresenceList = forwardRef<HTMLUListElement, PresenceListProps>(function PresenceList(
  { userIds, className, ...rest },
  ref,
) {
  const { users, strings } = useSocketkitUI();
  const ids = useMemo(() => userIds ?? Object.keys(users), [userIds, users]);
  const presence = usePresenceOf(ids);
  // Stable sort: online first, otherwise in the given order.
  const sorted = [...ids].sort((a, b) => Number(!!presence.get(b)?.online) - Number(!!presence.get(a)?.online));
  return (
    <ul ref={ref} aria-label={strings.presenceListLabel} {...rest} className={cx('sk-presence-list', className)}>
      {sorted.map((id) => (
        <Row key={id} userId={id} />
      ))}
    </ul>
  );
});
