/**
 * Mutes and kicks in force, by nickname key, user id or address, each until a time. Behind an
 * interface so that a cluster keeps them in Redis; reads are synchronous (every message and every
 * handshake asks) and answered from memory, which a cluster keeps up to date.
 */

/** What a sanction is keyed by: `nick:<key>`, `user:<id>` or `addr:<address>`. */
export type SanctionKey = string;

/** The sanctions of one chat. */
export interface Sanctions {
  /** Mutes every key until `until` (ms since the epoch). */
  mute(keys: readonly SanctionKey[], until: number): void;
  /** Bans every key until `until`. */
  ban(keys: readonly SanctionKey[], until: number): void;
  /** Milliseconds left of the longest mute on any key; 0 when none. */
  mutedFor(keys: readonly SanctionKey[], now?: number): number;
  /** Milliseconds left of the longest ban on any key; 0 when none. */
  bannedFor(keys: readonly SanctionKey[], now?: number): number;
}

/** Time-limited mutes and bans, kept in this process's memory. */
export class LocalSanctions implements Sanctions {
  private readonly mutes = new Map<SanctionKey, number>();
  private readonly bans = new Map<SanctionKey, number>();

  mute(keys: readonly SanctionKey[], until: number): void {
    for (const key of keys) this.mutes.set(key, Math.max(until, this.mutes.get(key) ?? 0));
  }

  ban(keys: readonly SanctionKey[], until: number): void {
    for (const key of keys) this.bans.set(key, Math.max(until, this.bans.get(key) ?? 0));
  }

  mutedFor(keys: readonly SanctionKey[], now: number = Date.now()): number {
    return remaining(this.mutes, keys, now);
  }

  bannedFor(keys: readonly SanctionKey[], now: number = Date.now()): number {
    return remaining(this.bans, keys, now);
  }
}

function remaining(map: Map<SanctionKey, number>, keys: readonly SanctionKey[], now: number): number {
  let left = 0;
  for (const key of keys) {
    const until = map.get(key);
    if (until === undefined) continue;
    if (until <= now) map.delete(key);
    else left = Math.max(left, until - now);
  }
  return left;
}
