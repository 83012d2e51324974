/** The keys of `reservedNicks`, computed once per chat (its resolved options) instead of per login. */
import type { ResolvedOptions } from '../options';
import { nickKey } from '../protocol/nick';

const cache = new WeakMap<ResolvedOptions, ReadonlySet<string>>();

/** The nickname keys no guest may take (the `reservedNicks` option, compared by skeleton). */
export function reservedKeys(options: ResolvedOptions): ReadonlySet<string> {
  let keys = cache.get(options);
  if (keys === undefined) {
    keys = new Set(options.reservedNicks.map((nick) => nickKey(nick)));
    cache.set(options, keys);
  }
  return keys;
}
