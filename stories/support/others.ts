/**
 * Other users for a story: plain socket.io-client sockets signed in through
 * the dev token endpoint, so designers see presence and typing from "other
 * people" without opening more tabs.
 */
import { useEffect, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { fetchToken, serverUrl } from './server';

/**
 * Keeps `userIds` online while mounted; with `typingIn`, they keep typing there.
 * Returns true once all of them are connected.
 */
export function useOtherUsers(userIds: readonly string[], typingIn?: string): boolean {
  const key = userIds.join(',');
  const [connected, setConnected] = useState(0);
  useEffect(() => {
    setConnected(0);
    const sockets: Socket[] = [];
    const timers: ReturnType<typeof setInterval>[] = [];
    let closed = false;
    for (const userId of key ? key.split(',') : []) {
      void fetchToken(userId).then((token) => {
        if (closed) return;
        const socket = io(serverUrl(), { auth: { token }, transports: ['websocket'] });
        sockets.push(socket);
        socket.once('connection:established', () => setConnected((n) => n + 1));
        if (!typingIn) return;
        const type = () => socket.emit('typing:start', { conversationId: typingIn }, () => undefined);
        socket.on('connect', () => {
          socket.emit('conversation:join', typingIn, () => type());
        });
        // The server ends typing after 5 s of silence: keep it going.
        timers.push(setInterval(type, 3000));
      });
    }
    return () => {
      closed = true;
      timers.forEach(clearInterval);
      sockets.forEach((s) => s.disconnect());
    };
  }, [key, typingIn]);
  return connected >= userIds.length;
}
