/** How a persistent store reports a failing backend: one log line per outage, `STORE_UNAVAILABLE` to callers. */
import type { ChatLogger } from '../options/logger';
import { ChatError } from '../protocol/error-codes';

/** What may be logged about a driver error: its code and message, never a row's values. */
export interface SafeCause {
  /** The driver's code (`SQLITE_BUSY`, a PostgreSQL SQLSTATE such as `57P01`, `ECONNREFUSED`), when it has one. */
  code?: string;
  /** The driver's message. */
  cause: string;
}

/**
 * Extracts the loggable part of a driver error. PostgreSQL's `detail` can quote the failing row,
 * and so the message text, so only `code` and `message` are kept.
 */
export function describeCause(error: unknown): SafeCause {
  // Duck-typed rather than `instanceof Error`: errors from Node's own modules come from another
  // realm under test runners and VMs.
  const { code, message, errors } = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    message?: unknown;
    errors?: unknown;
  };
  let cause = typeof message === 'string' ? message : String(error);
  // Node reports a failed connection to a name with several addresses as an AggregateError
  // whose own message is empty; the reasons are in its parts.
  if (cause === '' && Array.isArray(errors)) {
    cause = errors.map((part: unknown) => describeCause(part).cause).join('; ');
  }
  return typeof code === 'string' ? { code, cause } : { cause };
}

/**
 * Tracks whether a backend is failing, so that an outage is logged once when it starts and once
 * when it ends however many requests fail in between, and every failure reaches the caller as
 * the same client-safe error.
 */
export class OutageLog {
  private failing = false;

  /**
   * @param logger Where the two lines go.
   * @param backend Names the backend in the lines, e.g. `SQLite message store`.
   * @param context Added to every line (the file or table; never message text).
   */
  constructor(
    private readonly logger: ChatLogger,
    private readonly backend: string,
    private readonly context: Record<string, unknown>,
  ) {}

  /** True between a failure and the next success. */
  get isFailing(): boolean {
    return this.failing;
  }

  /** Records a failed `operation`; returns the error to reject with. */
  failed(operation: string, error: unknown): ChatError {
    if (!this.failing) {
      this.failing = true;
      this.logger.warn(`${this.backend} is unavailable; chat requests get STORE_UNAVAILABLE until it recovers`, {
        ...this.context,
        operation,
        ...describeCause(error),
      });
    }
    return new ChatError('STORE_UNAVAILABLE');
  }

  /** Records a success, and the end of an outage if one was under way. */
  succeeded(): void {
    if (!this.failing) return;
    this.failing = false;
    // `info` is optional on a ChatLogger: a logger without it gets the line as a warning.
    if (this.logger.info) this.logger.info(`${this.backend} is available again`, this.context);
    else this.logger.warn(`${this.backend} is available again`, this.context);
  }
}
