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

/** Concise `[socketkit] …` lines on the console. */
export const consoleLogger: SocketkitLogger = {
  info: (message) => console.log(`[socketkit] ${message}`),
  warn: (message) => console.warn(`[socketkit] ${message}`),
  error: (message, error) =>
    error === undefined ? console.error(`[socketkit] ${message}`) : console.error(`[socketkit] ${message}`, error),
};
