/**
 * Helpers for error messages that say the exact fix: the name a typo meant (edit distance from
 * fastest-levenshtein, a small, widely used library) and the bad value shown plainly.
 */
import { distance } from 'fastest-levenshtein';

/** Shows a bad value in an error message (`"32"`, `an object`, `10n`, `a function`). */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  if (value === null || typeof value !== 'object') return `${value as number | boolean | undefined}`;
  return Array.isArray(value) ? 'an array' : 'an object';
}

/** The known name `key` most likely meant: the closest by edit distance, else one it contains (`filename` → `file`). */
export function nearestName(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    const d = distance(lower, name.toLowerCase());
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  // A third of the typed length (at least 2) catches typos without suggesting unrelated names.
  if (bestDistance <= Math.max(2, Math.floor(key.length / 3))) return best;
  if (lower.length < 3) return undefined;
  return known.find((name) => lower.includes(name.toLowerCase()) || name.toLowerCase().includes(lower));
}
