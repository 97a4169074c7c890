/**
 * Helpers of the attack replays (tests/server/security.test.ts): a server
 * process's memory read from /proc, a victim's connect timed, a raw
 * Socket.IO CONNECT (what a hostile client sends, not what socket.io-client
 * would let it send).
 */
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { io, type Socket } from 'socket.io-client';
import { whenEstablished } from './wait.js';

/** Resident memory of a process, MB (`VmRSS` of /proc/<pid>/status). */
export function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) / 1024;
}

/** Connects a stock client as the holder of `token`; resolves its socket and how long `connection:established` took, ms. */
export async function timedConnect(url: string, token: string, timeoutMs = 20_000, options: Record<string, unknown> = {}): Promise<{ socket: Socket; ms: number }> {
  const started = performance.now();
  const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, ...options });
  await whenEstablished(socket, timeoutMs, 'victim');
  return { socket, ms: performance.now() - started };
}

/**
 * Opens a raw engine.io WebSocket and sends a Socket.IO CONNECT whose auth is
 * `authJson` as written (e.g. a nesting socket.io-client's own encoder could
 * not serialise). Resolves with the first Socket.IO packet the server answers.
 */
export function rawConnect(url: string, authJson: string, timeoutMs = 20_000): Promise<{ packet: string; ws: WebSocket }> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer to the raw CONNECT')), timeoutMs);
    ws.on('error', reject);
    ws.on('close', () => reject(new Error('closed before answering the raw CONNECT')));
    ws.on('message', (data) => {
      const text = String(data);
      if (text.startsWith('0')) ws.send(`40${authJson}`);
      else if (text.startsWith('4')) {
        clearTimeout(timer);
        resolve({ packet: text, ws });
      }
    });
  });
}
