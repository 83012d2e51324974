/** Checks the options both SQL stores share, once at construction, with errors that say the fix. */

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
    throw new TypeError(`${store} expects an options object, got ${showValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const nearest = nearestName(key, known);
    const hint = nearest === undefined ? `known options: ${known.join(', ')}` : `did you mean \`${nearest}\`?`;
    throw new TypeError(`${store} has no option \`${key}\`; ${hint}`);
  }
}

/** Checks `maxMessages` and `maxAgeDays` (`undefined` counts as omitted) and derives how often to prune. */
export function resolveRetention(store: string, options: RetentionOptions): Retention {
  const maxMessages = options.maxMessages ?? 100_000;
  if (!(maxMessages === Infinity || (Number.isSafeInteger(maxMessages) && maxMessages >= 0))) {
    throw new TypeError(
      `${store} option \`maxMessages\` must be a whole number ≥ 0 or Infinity, got ${showValue(options.maxMessages)}`,
    );
  }
  const maxAgeDays = options.maxAgeDays;
  if (maxAgeDays !== undefined && !(typeof maxAgeDays === 'number' && Number.isFinite(maxAgeDays) && maxAgeDays > 0)) {
    throw new TypeError(
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

/** Shows a bad option value in an error message. */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

/** The known name `key` most likely meant: one it contains (`filename`), else the closest by edit distance. */
function nearestName(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  if (lower.length >= 3) {
    const related = known.find((name) => lower.includes(name.toLowerCase()) || name.toLowerCase().includes(lower));
    if (related !== undefined) return related;
  }
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase());
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** Levenshtein distance, with one row kept. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
