/** Makes the `cid` that lets a message be retried without being stored twice. */

/** A random id of 32 hex digits (or about 26 base-36 digits), inside the server's `[A-Za-z0-9_-]{1,64}`. */
export function newClientId(): string {
  // randomUUID exists only in secure contexts; a page served over plain http falls back.
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID().replace(/-/g, '');
  const words = crypto.getRandomValues(new Uint32Array(4));
  return Array.from(words, (word) => word.toString(36).padStart(7, '0')).join('');
}
