/** Mutes and kicks in force, by nickname key, user id or address, each until a time. */

/** What a sanction is keyed by: `nick:<key>`, `user:<id>` or `addr:<address>`. */
export type SanctionKey = string;

/** The two kinds of sanction: a mute keeps someone from sending, a ban (a kick's aftermath) keeps them out. */
export type SanctionKind = 'mute' | 'ban';

/** Time-limited mutes and bans, kept in this process's memory. */
export class Sanctions {
  private readonly mutes = new Map<SanctionKey, number>();
  private readonly bans = new Map<SanctionKey, number>();
  // The keys each sanction of a nickname covered (its user id or a guest's address too), so that
  // lifting it by nickname also frees a user who is no longer connected.
  private readonly groups = new Map<string, Record<SanctionKind, Set<SanctionKey>>>();

  /** Mutes every key until `until` (ms since the epoch); `label` (a nickname key) lets `lift` undo it. */
  mute(keys: readonly SanctionKey[], until: number, label?: string): void {
    this.apply('mute', this.mutes, keys, until, label);
  }

  /** Bans every key until `until`; `label` (a nickname key) lets `lift` undo it. */
  ban(keys: readonly SanctionKey[], until: number, label?: string): void {
    this.apply('ban', this.bans, keys, until, label);
  }

  /** Lifts the `kind` sanctions given under `label`; true when there was one in force. */
  lift(kind: SanctionKind, label: string, now: number = Date.now()): boolean {
    const keys = this.groups.get(label)?.[kind];
    if (keys === undefined) return false;
    const map = kind === 'mute' ? this.mutes : this.bans;
    const wasInForce = remaining(map, [...keys], now) > 0;
    for (const key of keys) map.delete(key);
    keys.clear();
    return wasInForce;
  }

  /** Milliseconds left of the longest mute on any key; 0 when none. */
  mutedFor(keys: readonly SanctionKey[], now: number = Date.now()): number {
    return remaining(this.mutes, keys, now);
  }

  /** Milliseconds left of the longest ban on any key; 0 when none. */
  bannedFor(keys: readonly SanctionKey[], now: number = Date.now()): number {
    return remaining(this.bans, keys, now);
  }

  private apply(kind: SanctionKind, map: Map<SanctionKey, number>, keys: readonly SanctionKey[], until: number, label: string | undefined): void {
    for (const key of keys) map.set(key, Math.max(until, map.get(key) ?? 0));
    if (label === undefined) return;
    let group = this.groups.get(label);
    if (group === undefined) {
      group = { mute: new Set(), ban: new Set() };
      this.groups.set(label, group);
    }
    for (const key of keys) group[kind].add(key);
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
