import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { defaultStrings, type SocketkitStrings } from './strings.js';

/** How the UI kit shows a user. */
export interface UserInfo {
  name: string;
  avatarUrl?: string;
}

/** What `<SocketkitUIProvider>` hands to every component. */
export interface SocketkitUIContextValue {
  users: Readonly<Record<string, UserInfo>>;
  strings: SocketkitStrings;
  locale: string | undefined;
}

const Context = createContext<SocketkitUIContextValue>({ users: {}, strings: defaultStrings, locale: undefined });

/** Props of `<SocketkitUIProvider>`. */
export interface SocketkitUIProviderProps {
  /** Display names and avatars by user id; unknown ids are shown as the id itself. */
  users?: Readonly<Record<string, UserInfo>> | undefined;
  /** Overrides of any visible string (i18n). */
  strings?: Partial<SocketkitStrings> | undefined;
  /** BCP 47 locale for dates and relative times; defaults to the runtime's. */
  locale?: string | undefined;
  children?: ReactNode | undefined;
}

/**
 * Optional: user names, strings and locale for the components below it.
 * Without it, components show user ids and English strings.
 *
 * @example
 * <SocketkitUIProvider users={{ alice: { name: 'Alice Martin' } }} strings={{ send: 'Senden' }} locale="de">
 *   <ChatPanel conversationId="general" />
 * </SocketkitUIProvider>
 */
export function SocketkitUIProvider({ users, strings, locale, children }: SocketkitUIProviderProps) {
  const value = useMemo<SocketkitUIContextValue>(
    () => ({ users: users ?? {}, strings: { ...defaultStrings, ...strings }, locale }),
    [users, strings, locale],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

/**
 * The UI context (users, strings, locale), for headless use.
 *
 * @example
 * const { strings } = useSocketkitUI();
 */
export function useSocketkitUI(): SocketkitUIContextValue {
  return useContext(Context);
}

/**
 * A user's display info, falling back to the id as name.
 *
 * @example
 * const { name, avatarUrl } = useUserInfo('alice');
 */
export function useUserInfo(userId: string): UserInfo {
  return useContext(Context).users[userId] ?? { name: userId };
}
