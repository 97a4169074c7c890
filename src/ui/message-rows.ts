import type { ClientMessage } from 'socketkit';
import { dayKey } from './format.js';

/** One row of a message list: a day separator or a message. */
export type MessageRowModel =
  | { kind: 'day'; key: string; date: string }
  | { kind: 'message'; key: string; message: ClientMessage; groupStart: boolean };

/** Messages from one sender closer than this stay in one group. */
const GROUP_GAP_MS = 5 * 60_000;

/** Stable key of a message: the client id survives the pending → sent change of `id`. */
export const messageKey = (m: ClientMessage): string => m.clientMessageId || m.id;

/** Rows for messages: a separator at each new day, a group head at each new sender or long pause. */
export function buildRows(messages: readonly ClientMessage[]): MessageRowModel[] {
  const rows: MessageRowModel[] = [];
  let prev: ClientMessage | undefined;
  let prevDay = '';
  for (const m of messages) {
    const day = dayKey(m.createdAt);
    const newDay = day !== prevDay;
    if (newDay) rows.push({ kind: 'day', key: `day:${day}`, date: m.createdAt });
    const groupStart =
      newDay || !prev || prev.senderId !== m.senderId || Date.parse(m.createdAt) - Date.parse(prev.createdAt) > GROUP_GAP_MS;
    rows.push({ kind: 'message', key: messageKey(m), message: m, groupStart });
    prev = m;
    prevDay = day;
  }
  return rows;
}
