/**
 * Structured fields of a log line, in pino's convention (`logger.info({ userId, socketId }, 'connect')`):
 * who and what the line is about, kept out of the message so logs can be filtered by them.
 * `err` carries an error, as pino's serializer expects.
 */
export interface LogFields {
  userId?: string;
  socketId?: string;
  conversationId?: string;
  err?: unknown;
  [field: string]: unknown;
}

/**
 * Where the server writes its operator lines. `console` fits; so do pino and
 * winston. A line is either a message alone or, pino's convention, the
 * fields first and then the message.
 */
export interface SocketkitLogger {
  /**
   * Trace lines (requests and acks with their round trip, refusals): called
   * only with the server's `debug` option on, and only when the logger has it.
   */
  debug?(fields: LogFields, message: string): void;
  info(message: string): void;
  info(fields: LogFields, message: string): void;
  warn(message: string): void;
  warn(fields: LogFields, message: string): void;
  error(message: string, error?: unknown): void;
  error(fields: LogFields, message: string): void;
}

/**
 * `logger` as the server uses it: its `debug` kept only when the server's
 * `debug` option is on, so with it off the trace's call sites
 * (`logger.debug?.(…)`) skip at once, without building their fields.
 */
export function withDebug(logger: SocketkitLogger, debug: boolean): SocketkitLogger {
  if (debug) return logger;
  // Bound: pino's methods need their logger as `this`.
  return {
    info: logger.info.bind(logger) as SocketkitLogger['info'],
    warn: logger.warn.bind(logger) as SocketkitLogger['warn'],
    error: logger.error.bind(logger) as SocketkitLogger['error'],
  };
}

/** A logger that writes nothing (`quiet: true`). */
export const silentLogger: SocketkitLogger = {
  info() {},
  warn() {},
  error() {},
};

/** The fields as `key=value` after the message (strings as they are, the rest as JSON); `err` is printed by console itself. */
function fieldsText(fields: LogFields): string {
  let text = '';
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'err' || value === undefined) continue;
    text += ` ${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`;
  }
  return text;
}

/** A console line from either form of a logger call: `[socketkit] message key=value …`, then the error if any. */
function consoleLine(write: (...data: unknown[]) => void, first: string | LogFields, second?: unknown): void {
  const [message, fields, error] =
    typeof first === 'string' ? [first, {}, second] : [String(second), first, (first as LogFields).err];
  const line = `[socketkit] ${message}${fieldsText(fields)}`;
  if (error === undefined) write(line);
  else write(line, error);
}

/** Concise `[socketkit] …` lines on the console; fields follow the message as `key=value`. */
export const consoleLogger: SocketkitLogger = {
  debug: (fields, message) => consoleLine(console.debug, fields, message),
  info: (first: string | LogFields, message?: string) => consoleLine(console.log, first, message),
  warn: (first: string | LogFields, message?: string) => consoleLine(console.warn, first, message),
  error: (first: string | LogFields, second?: unknown) => consoleLine(console.error, first, second),
};
