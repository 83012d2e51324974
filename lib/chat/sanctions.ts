/**
 * Mutes and kicks in force, by nickname key, user id or address, each until a time. Behind an
 * interface so that a cluster keeps them in Redis; reads are synchronous (every message and every
 * handshake asks) and answered from memory, which a cluster keeps up to date.
 */

/** What a sanction is keyed by: `nick:<key>`, `user:<id>` or `addr:<address>`. */
export type SanctionKey = string;

/** The two kinds of sanction: a mute keeps someone from sending, a ban (a kick's aftermath) keeps them out. */
export type SanctionKind = 'mute' | 'ban';

/** The sanctions of one chat. */
export interface Sanctions {
  /** Mutes every key until `until` (ms since the epoch); `label` (a nickname key) lets `lift` undo it. */
  mute(keys: readonly SanctionKey[], until: number, label?: string): void;
  /** Bans every key until `until`; `label` (a nickname key) lets `lift` undo it. */
  ban(keys: readonly SanctionKey[], until: number, label?: string): void;
  /** Lifts the `kind` sanctions given under `label` (every key they covered); true when one was in force here. */
  lift(kind: SanctionKind, label: string): boolean;
  /** Milliseconds left of the longest mute on any key; 0 when none. */
  mutedFor(keys: readonly SanctionKey[], now?: number): number;
  /** Milliseconds left of the longest ban on any key; 0 when none. */
  bannedFor(keys: readonly SanctionKey[], now?: number): number;
}

/** Time-limited mutes and bans, kept in this process's memory. */
export class LocalSanctions implements Sanctions {
  private readonly mutes = new Map<SanctionKey, number>();
  private readonly bans = new Map<SanctionKey, number>();
  // The keys each sanction of a nickname covered (its user id or a guest's address too), so that
  // lifting it by nickname also frees a user who is no longer connected.
  private readonly groups = new Map<string, Record<SanctionKind, Set<SanctionKey>>>();

  mute(keys: readonly SanctionKey[], until: number, label?: string): void {
    this.apply('mute', keys, until, label);
  }

  ban(keys: readonly SanctionKey[], until: number, label?: string): void {
    this.apply('ban', keys, until, label);
  }

  lift(kind: SanctionKind, label: string, now: number = Date.now()): boolean {
    const keys = this.keysOf(kind, label);
    const wasInForce = remaining(this.map(kind), keys, now) > 0;
    this.remove(kind, keys);
    this.groups.get(label)?.[kind].clear();
    return wasInForce;
  }

  /** The keys a `kind` sanction under `label` covered here. */
  keysOf(kind: SanctionKind, label: string): SanctionKey[] {
    return [...(this.groups.get(label)?.[kind] ?? [])];
  }

  /** Forgets the `kind` sanctions of `keys` (a lift decided elsewhere, e.g. on another node). */
  remove(kind: SanctionKind, keys: readonly SanctionKey[]): void {
    const map = this.map(kind);
    for (const key of keys) map.delete(key);
  }

  mutedFor(keys: readonly SanctionKey[], now: number = Date.now()): number {
    return remaining(this.mutes, keys, now);
  }

  bannedFor(keys: readonly SanctionKey[], now: number = Date.now()): number {
    return remaining(this.bans, keys, now);
  }

  private map(kind: SanctionKind): Map<SanctionKey, number> {
    return kind === 'mute' ? this.mutes : this.bans;
  }

  private apply(kind: SanctionKind, keys: readonly SanctionKey[], until: number, label: string | undefined): void {
    const map = this.map(kind);
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
