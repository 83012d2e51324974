/** Checks the options both SQL stores share, once at construction, with errors that say the fix. */
import { ChatOptionError } from '../../options/option-error';
import { nearestName, showValue } from '../../options/suggest';

export { showValue };

/** How much history a SQL store keeps; both bounds apply. */
export interface RetentionOptions {
  /**
   * How many messages to keep across all rooms, oldest dropped first; `Infinity` keeps all.
   * Defaults to 100,000.
   */
  maxMessages?: number;
  /** Messages older than this many days are dropped. Defaults to no age bound. */
  maxAgeDays?: number;
}

/** {@link RetentionOptions} checked and completed. */
export interface Retention {
  /** A whole number ≥ 0, or `Infinity`. */
  maxMessages: number;
  /** The age bound in milliseconds, or `undefined` for none. */
  maxAgeMs: number | undefined;
  /** How many appends may pass between two prunes. */
  pruneEvery: number;
}

const DAY_MS = 86_400_000;

/** Throws unless `options` is a plain object whose keys are all in `known`; suggests the nearest name. */
export function checkOptionKeys(store: string, options: unknown, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ChatOptionError('CHATTERBOX_INVALID_OPTION', `${store} expects an options object, got ${showValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const nearest = nearestName(key, known);
    const hint = nearest === undefined ? `known options: ${known.join(', ')}` : `did you mean \`${nearest}\`?`;
    throw new ChatOptionError('CHATTERBOX_UNKNOWN_OPTION', `${store} has no option \`${key}\`; ${hint}`);
  }
}

/** Checks `maxMessages` and `maxAgeDays` (`undefined` counts as omitted) and derives how often to prune. */
export function resolveRetention(store: string, options: RetentionOptions): Retention {
  const maxMessages = options.maxMessages ?? 100_000;
  if (!(maxMessages === Infinity || (Number.isSafeInteger(maxMessages) && maxMessages >= 0))) {
    throw new ChatOptionError(
      'CHATTERBOX_INVALID_OPTION',
      `${store} option \`maxMessages\` must be a whole number ≥ 0 or Infinity, got ${showValue(options.maxMessages)}`,
    );
  }
  const maxAgeDays = options.maxAgeDays;
  if (maxAgeDays !== undefined && !(typeof maxAgeDays === 'number' && Number.isFinite(maxAgeDays) && maxAgeDays > 0)) {
    throw new ChatOptionError(
      'CHATTERBOX_INVALID_OPTION',
      `${store} option \`maxAgeDays\` must be a number of days > 0 (omit it for no age bound), got ${showValue(maxAgeDays)}`,
    );
  }
  return {
    maxMessages,
    maxAgeMs: maxAgeDays === undefined ? undefined : maxAgeDays * DAY_MS,
    // Pruning costs an index walk of maxMessages entries, so large stores prune every 500 appends
    // (0.5% over the bound at most); small ones prune more often so they never hold much more
    // than they were told to.
    pruneEvery: Math.min(500, Math.max(1, Math.floor(maxMessages / 10))),
  };
}
