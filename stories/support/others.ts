/**
 * Other users for a story: plain socket.io-client sockets signed in through
 * the dev token endpoint, so designers see presence and typing from "other
 * people" without opening more tabs.
 */
import { useEffect, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { fetchToken, serverUrl, socketTransports } from './server';

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
        const socket = io(serverUrl(), { auth: { token }, transports: socketTransports() });
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

/**
 * Keeps `userId` online in `conversationId`, answering every message someone
 * else sends there: a second person to chat with in a static Storybook.
 * Returns true once connected and joined.
 */
export function useReplyingUser(userId: string, conversationId: string): boolean {
  const [joined, setJoined] = useState(false);
  useEffect(() => {
    setJoined(false);
    let socket: Socket | null = null;
    let closed = false;
    void fetchToken(userId).then((token) => {
      if (closed) return;
      socket = io(serverUrl(), { auth: { token }, transports: socketTransports() });
      const s = socket;
      s.on('connect', () => s.emit('conversation:join', conversationId, () => setJoined(true)));
      s.on('message:new', (message: { conversationId: string; senderId: string; content: string }) => {
        if (message.conversationId !== conversationId || message.senderId === userId) return;
        const content = `Got it: “${message.content.slice(0, 80)}”`;
        s.emit('message:send', { conversationId, content, clientMessageId: crypto.randomUUID() }, () => undefined);
      });
    });
    return () => {
      closed = true;
      socket?.disconnect();
    };
  }, [userId, conversationId]);
  return joined;
}
