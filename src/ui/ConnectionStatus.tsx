import { forwardRef, type HTMLAttributes } from 'react';
import { useSocket } from 'socketkit/react';
import type { ConnectionStatus as Status } from 'socketkit';
import { useSocketkitUI } from './SocketkitUIProvider.js';
import type { SocketkitStrings } from './strings.js';
import { cx } from './cx.js';

const LABEL: Record<Status, keyof SocketkitStrings> = {
  idle: 'statusIdle',
  connecting: 'statusConnecting',
  connected: 'statusConnected',
  reconnecting: 'statusReconnecting',
  disconnected: 'statusDisconnected',
  failed: 'statusFailed',
};

/** Props of `<ConnectionStatus>`: a `span`'s, plus whether to show the text. */
export interface ConnectionStatusProps extends HTMLAttributes<HTMLSpanElement> {
  /** Show the label next to the dot (otherwise it is only the accessible name). Default true. */
  showLabel?: boolean | undefined;
}

/** A small dot and label for the connection status; `data-status` carries the status for styling. */
export const ConnectionStatus = forwardRef<HTMLSpanElement, ConnectionStatusProps>(function ConnectionStatus(
  { showLabel = true, className, ...rest },
  ref,
) {
  // The core decides connecting vs reconnecting (a failed first attempt is already `reconnecting`).
  const { status } = useSocket();
  const { strings } = useSocketkitUI();
  const label = strings[LABEL[status]] as string;
  return (
    <span ref={ref} role="status" {...rest} className={cx('sk-status', className)} data-status={status}>
      <span className="sk-dot" aria-hidden="true" />
      <span className={showLabel ? undefined : 'sk-sr-only'}>{label}</span>
    </span>
  );
});
