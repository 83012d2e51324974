/** How the page compares nicknames: the same folding the server applies, so `Alice` is `alice`. */

/**
 * The comparison key of a nickname. Mirrors `nickKey` in lib/protocol/validate.ts, which the
 * page cannot import without bundling the server's validators.
 */
export function nickKey(nick: string): string {
  return nick.normalize('NFKC').toLowerCase().normalize('NFKC');
}
