/** Locale-aware formatting shared by the components (Intl only, no library). */

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 31_536_000],
  ['month', 2_592_000],
  ['week', 604_800],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
];

/** "5 minutes ago", "yesterday", "just now"-like strings via `Intl.RelativeTimeFormat`. */
export function formatRelative(date: Date | string | number, now: number, locale?: string): string {
  const seconds = Math.round((new Date(date).getTime() - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') return rtf.format(Math.round(seconds / size), unit);
  }
  return rtf.format(0, 'second');
}

/** Time of day of a message, e.g. "14:05" or "2:05 PM" by locale. */
export function formatTime(date: string, locale?: string): string {
  return new Date(date).toLocaleTimeString(locale, { hour: 'numeric', minute: '2-digit' });
}

/** Local calendar day key (YYYY-M-D) for grouping. */
export function dayKey(date: string): string {
  const d = new Date(date);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

/** "Today", "Yesterday" or a localized date for a day separator. */
export function formatDay(date: string, now: number, locale?: string): string {
  const d = new Date(date);
  const start = (t: Date) => new Date(t.getFullYear(), t.getMonth(), t.getDate()).getTime();
  const days = Math.round((start(d) - start(new Date(now))) / 86_400_000);
  if (days === 0 || days === -1) {
    const s = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(days, 'day');
    return s.charAt(0).toLocaleUpperCase(locale) + s.slice(1);
  }
  return d.toLocaleDateString(locale, { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' });
}

/** Up to two initials of a display name, for avatars without an image. */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? parts[parts.length - 1]![0] : '')).toUpperCase() || '?';
}
