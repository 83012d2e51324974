/**
 * Cluster-wide sanctions: mutes and bans kept in Redis (so they outlive any node), cached in every
 * node's memory (so they hold while Redis is away, and reads stay synchronous), and announced on
 * the bus (so the other nodes apply a new one at once instead of at their next refresh). One
 * issued while Redis is away applies here at once and is written when Redis is back.
 */
import createDebug from 'debug';
import type { EventBus } from '../chat/event-bus';
import { LocalSanctions, type SanctionKey, type SanctionKind, type Sanctions } from '../chat/sanctions';

const debug = createDebug('chatterbox:cluster');

/** ARGV: until, field… on KEYS[1] (a hash field → until): keeps the later of the two times. */
const SET_LATER = `
local expiry = tonumber(ARGV[1])
for i = 2, #ARGV do
  local current = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0')
  if expiry > current then redis.call('HSET', KEYS[1], ARGV[i], ARGV[1]) end
end
return 1
`;

/** The ioredis commands sanctions use, typed by shape (ioredis is an optional peer). */
export interface SanctionsRedisClient {
  readonly status: string;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  hgetall(key: string): Promise<Record<string, string>>;
  hdel(key: string, ...fields: string[]): Promise<number>;
  sadd(key: string, ...members: string[]): Promise<number>;
  smembers(key: string): Promise<string[]>;
  pexpireat(key: string, at: number): Promise<number>;
  del(...keys: string[]): Promise<number>;
}

type Kind = 'mute' | 'ban';

/** {@link Sanctions} in Redis, read from this node's cache. */
export class RedisSanctions implements Sanctions {
  private readonly cache = new LocalSanctions();
  /** Written here while Redis was away: flushed by {@link refresh}. */
  private pending: Array<{ kind: Kind; keys: SanctionKey[]; until: number; label?: string | undefined }> = [];
  /** Lifted here while Redis was away: removed from Redis by {@link refresh}. */
  private pendingLifts: Array<{ kind: Kind; keys: SanctionKey[]; label: string }> = [];

  constructor(
    private readonly client: SanctionsRedisClient,
    private readonly prefix: string,
    private readonly bus: EventBus,
  ) {
    bus.subscribe((message) => {
      if (message.type === 'sanction') this.apply(message.kind, message.keys, message.until);
      else if (message.type === 'lift') this.cache.remove(message.kind, message.keys);
    });
  }

  mute(keys: readonly SanctionKey[], until: number, label?: string): void {
    this.record('mute', keys, until, label);
  }

  ban(keys: readonly SanctionKey[], until: number, label?: string): void {
    this.record('ban', keys, until, label);
  }

  /**
   * Lifts, on every node, the `kind` sanctions given under `label` on any node: the keys they
   * covered are kept in Redis beside the sanction (a user kicked elsewhere is not known here).
   */
  lift(kind: SanctionKind, label: string): boolean {
    const keys = this.cache.keysOf(kind, label);
    const wasInForce = this.cache.lift(kind, label);
    this.bus.publish({ type: 'lift', kind, keys });
    if (this.client.status !== 'ready') {
      this.pendingLifts.push({ kind, keys, label });
      return wasInForce;
    }
    this.unwrite(kind, keys, label).catch((error: unknown) => {
      debug('lifting a sanction failed, kept for later: %s', String(error));
      this.pendingLifts.push({ kind, keys, label });
    });
    return wasInForce;
  }

  mutedFor(keys: readonly SanctionKey[], now?: number): number {
    return this.cache.mutedFor(keys, now);
  }

  bannedFor(keys: readonly SanctionKey[], now?: number): number {
    return this.cache.bannedFor(keys, now);
  }

  /** Writes what was issued while Redis was away, then loads every sanction in force (each heartbeat). */
  async refresh(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    try {
      for (const entry of pending) await this.write(entry.kind, entry.keys, entry.until, entry.label);
    } catch (error) {
      this.pending = [...pending, ...this.pending];
      throw error;
    }
    const lifts = this.pendingLifts;
    this.pendingLifts = [];
    try {
      for (const entry of lifts) await this.unwrite(entry.kind, entry.keys, entry.label);
    } catch (error) {
      this.pendingLifts = [...lifts, ...this.pendingLifts];
      throw error;
    }
    const now = Date.now();
    for (const kind of ['mute', 'ban'] as const) {
      const all = await this.client.hgetall(this.hash(kind));
      const expired: string[] = [];
      for (const [key, value] of Object.entries(all)) {
        const until = Number(value);
        if (until > now) this.apply(kind, [key], until);
        else expired.push(key);
      }
      if (expired.length > 0) await this.client.hdel(this.hash(kind), ...expired);
    }
  }

  private record(kind: Kind, keys: readonly SanctionKey[], until: number, label: string | undefined): void {
    if (keys.length === 0) return;
    this.apply(kind, keys, until, label);
    this.bus.publish({ type: 'sanction', kind, keys: [...keys], until });
    if (this.client.status !== 'ready') {
      this.pending.push({ kind, keys: [...keys], until, label });
      return;
    }
    this.write(kind, keys, until, label).catch((error: unknown) => {
      debug('writing a sanction failed, kept for later: %s', String(error));
      this.pending.push({ kind, keys: [...keys], until, label });
    });
  }

  private apply(kind: Kind, keys: readonly SanctionKey[], until: number, label?: string): void {
    if (kind === 'mute') this.cache.mute(keys, until, label);
    else this.cache.ban(keys, until, label);
  }

  private async write(kind: Kind, keys: readonly SanctionKey[], until: number, label?: string): Promise<void> {
    await this.client.eval(SET_LATER, 1, this.hash(kind), String(until), ...keys);
    if (label === undefined) return;
    // The keys a nickname's sanction covered, for a lift by nickname from any node; gone with it.
    await this.client.sadd(this.group(kind, label), ...keys);
    await this.client.pexpireat(this.group(kind, label), until);
  }

  private async unwrite(kind: Kind, keys: readonly SanctionKey[], label: string): Promise<void> {
    const everywhere = new Set([...keys, ...(await this.client.smembers(this.group(kind, label)))]);
    if (everywhere.size > 0) {
      this.cache.remove(kind, [...everywhere]);
      await this.client.hdel(this.hash(kind), ...everywhere);
      // Nodes that learnt of them from Redis only forget them too.
      this.bus.publish({ type: 'lift', kind, keys: [...everywhere] });
    }
    await this.client.del(this.group(kind, label));
  }

  private group(kind: Kind, label: string): string {
    return `${this.prefix}${kind}-group:${label}`;
  }

  private hash(kind: Kind): string {
    return `${this.prefix}${kind === 'mute' ? 'mutes' : 'bans'}`;
  }
}
