/** A wall-clock time people read (HH:MM:SS, 24 h), for log lines and transitions. */
export const clockTime = (at: number): string => new Date(at).toLocaleTimeString(undefined, { hour12: false });
