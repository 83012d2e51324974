/** Helpers for error messages that say the exact fix: the name a typo meant, and the bad value shown plainly. */

/** Shows a bad option value in an error message (`"32"`, `an object`, `10n`, `a function`). */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  if (value === null || typeof value !== 'object') return `${value as number | boolean | undefined}`;
  return Array.isArray(value) ? 'an array' : 'an object';
}

/** The known name `key` most likely meant: the closest by edit distance, else one it contains (`filename`). */
export function nearestName(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    const distance = editDistance(lower, name.toLowerCase());
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  if (bestDistance <= Math.max(2, Math.floor(key.length / 3))) return best;
  if (lower.length < 3) return undefined;
  return known.find((name) => lower.includes(name.toLowerCase()) || name.toLowerCase().includes(lower));
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
