/**
 * Cluster-wide sanctions: mutes and bans kept in Redis (so they outlive any node), cached in every
 * node's memory (so they hold while Redis is away, and reads stay synchronous), and announced on
 * the bus (so the other nodes apply a new one at once instead of at their next refresh). One
 * issued while Redis is away applies here at once and is written when Redis is back.
 */
import createDebug from 'debug';
import type { EventBus } from '../chat/event-bus';
import { LocalSanctions, type SanctionKey, type Sanctions } from '../chat/sanctions';

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
}

type Kind = 'mute' | 'ban';

/** {@link Sanctions} in Redis, read from this node's cache. */
export class RedisSanctions implements Sanctions {
  private readonly cache = new LocalSanctions();
  /** Written here while Redis was away: flushed by {@link refresh}. */
  private pending: Array<{ kind: Kind; keys: SanctionKey[]; until: number }> = [];

  constructor(
    private readonly client: SanctionsRedisClient,
    private readonly prefix: string,
    private readonly bus: EventBus,
  ) {
    bus.subscribe((message) => {
      if (message.type === 'sanction') this.apply(message.kind, message.keys, message.until);
    });
  }

  mute(keys: readonly SanctionKey[], until: number): void {
    this.record('mute', keys, until);
  }

  ban(keys: readonly SanctionKey[], until: number): void {
    this.record('ban', keys, until);
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
      for (const entry of pending) await this.write(entry.kind, entry.keys, entry.until);
    } catch (error) {
      this.pending = [...pending, ...this.pending];
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

  private record(kind: Kind, keys: readonly SanctionKey[], until: number): void {
    if (keys.length === 0) return;
    this.apply(kind, keys, until);
    this.bus.publish({ type: 'sanction', kind, keys: [...keys], until });
    if (this.client.status !== 'ready') {
      this.pending.push({ kind, keys: [...keys], until });
      return;
    }
    this.write(kind, keys, until).catch((error: unknown) => {
      debug('writing a sanction failed, kept for later: %s', String(error));
      this.pending.push({ kind, keys: [...keys], until });
    });
  }

  private apply(kind: Kind, keys: readonly SanctionKey[], until: number): void {
    if (kind === 'mute') this.cache.mute(keys, until);
    else this.cache.ban(keys, until);
  }

  private async write(kind: Kind, keys: readonly SanctionKey[], until: number): Promise<void> {
    await this.client.eval(SET_LATER, 1, this.hash(kind), String(until), ...keys);
  }

  private hash(kind: Kind): string {
    return `${this.prefix}${kind === 'mute' ? 'mutes' : 'bans'}`;
  }
}
