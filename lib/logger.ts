/** The operator-facing logger: what someone running the chat must see (tracing uses `debug`). */

/** A logger with the two levels Chatterbox uses; `console` fits, and so do pino and winston. */
export interface ChatLogger {
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

/** Writes to the console with a recognisable prefix. */
export const consoleLogger: ChatLogger = {
  warn(message, meta) {
    console.warn(`[chatterbox] ${message}`, ...(meta ? [meta] : []));
  },
  error(message, meta) {
    console.error(`[chatterbox] ${message}`, ...(meta ? [meta] : []));
  },
};
