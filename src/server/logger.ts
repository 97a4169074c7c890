/** Where the server writes its operator lines. `console` fits; so do pino and winston. */
export interface SocketkitLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** A logger that writes nothing (`quiet: true`). */
export const silentLogger: SocketkitLogger = {
  info() {},
  warn() {},
  error() {},
};

/**
 * Control characters as visible escapes (`\n`, `\u001b`): a message carries
 * client-chosen text (user ids, event names), and a newline in one would
 * forge a line of its own in the log (issue 24 #8).
 */
export function escapeControlCharacters(message: string): string {
  // eslint-disable-next-line no-control-regex
  return message.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** Concise `[socketkit] …` lines on the console, one line per message. */
export const consoleLogger: SocketkitLogger = {
  info: (message) => console.log(`[socketkit] ${escapeControlCharacters(message)}`),
  warn: (message) => console.warn(`[socketkit] ${escapeControlCharacters(message)}`),
  error: (message, error) =>
    error === undefined
      ? console.error(`[socketkit] ${escapeControlCharacters(message)}`)
      : console.error(`[socketkit] ${escapeControlCharacters(message)}`, error),
};
