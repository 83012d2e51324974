/** The operator-facing logger: what someone running the chat must see (tracing uses `debug`). */

/** A logger with the levels Chatterbox uses; `console` fits, and so do pino and winston. */
export interface ChatLogger {
  /** Something an operator should know went well again (a dependency is back); optional. */
  info?(message: string, meta?: Record<string, unknown>): void;
  /** Something is wrong but the chat carries on (a dependency is down, a client misbehaves). */
  warn(message: string, meta?: Record<string, unknown>): void;
  /** Something failed that should not have (a bug, a host hook that threw). */
  error(message: string, meta?: Record<string, unknown>): void;
}

/** Writes to the console with a recognisable prefix. */
export const consoleLogger: ChatLogger = {
  info(message, meta) {
    console.info(`[chatterbox] ${message}`, ...(meta ? [meta] : []));
  },
  warn(message, meta) {
    console.warn(`[chatterbox] ${message}`, ...(meta ? [meta] : []));
  },
  error(message, meta) {
    console.error(`[chatterbox] ${message}`, ...(meta ? [meta] : []));
  },
};
