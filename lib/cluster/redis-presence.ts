/**
 * Cluster-wide presence: nickname claims and the user list kept in Redis by atomic scripts, with a
 * per-node liveness key so that a dead node's users are swept out in bounded time.
 */
import type { ValidNick } from '../protocol/nick';
import type { ClaimResult, Presence } from '../chat/presence';
import { CLAIM, HEARTBEAT, LIST, PAGE, RELEASE, RESYNC, SWEEP } from './presence-scripts';
import { pageOf } from '../chat/presence';
import type { PeoplePage } from '../protocol/payloads';

/** What a node holds locally, the truth it writes back to Redis after an outage. */
interface Holding {
  key: string;
  nick: string;
  owner: string;
}

/** The outcome of {@link RedisPresence.resync}. */
export interface ResyncResult {
  /** Nicknames that were absent from the cluster list and are back. */
  entered: string[];
  /** Nicknames this node listed in Redis that nobody holds any more. */
  gone: string[];
  /** Local sockets whose nickname someone else took while this node was away. */
  conflicts: string[];
}

/**
 * The ioredis commands presence uses, typed by shape so that the shipped declarations do not
 * import ioredis (an optional peer a host without `cluster` does not have).
 */
export interface PresenceRedisClient {
  readonly status: string;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  smembers(key: string): Promise<string[]>;
  zcard(key: string): Promise<number>;
  del(...keys: string[]): Promise<number>;
}

/** {@link Presence} in Redis; `client` is a connection Chatterbox owns (commands fail fast while it is down). */
export class RedisPresence implements Presence {
  private readonly holdings = new Map<string, Holding>();

  /**
   * @param client a Redis connection without an offline queue
   * @param prefix the key prefix, ending with a `{hash tag}:`
   * @param node this process's unique node id
   * @param ttlMs the liveness key's lifetime
   */
  constructor(
    private readonly client: PresenceRedisClient,
    private readonly prefix: string,
    readonly node: string,
    private readonly ttlMs: number,
  ) {}

  /** True while the Redis connection is usable. */
  get available(): boolean {
    return this.client.status === 'ready';
  }

  async claim(valid: ValidNick, owner: string, socketId: string): Promise<ClaimResult> {
    if (!this.available) return this.claimLocally(valid, owner, socketId);
    const result = Number(await this.client.eval(CLAIM, 0, this.prefix, valid.key, valid.nick, owner, this.node, socketId));
    if (result < 0) return { ok: false };
    this.holdings.set(socketId, { key: valid.key, nick: valid.nick, owner });
    return { ok: true, first: result === 1 };
  }

  /**
   * While Redis is away (at start, or later) the node serves its own users: a name is checked
   * against this node's holders only, and the resync on rejoin gives a name claimed on two nodes
   * meanwhile to the one Redis knew, telling the other (NICK_TAKEN).
   */
  private claimLocally(valid: ValidNick, owner: string, socketId: string): ClaimResult {
    const holders = [...this.holdings.values()].filter((holding) => holding.key === valid.key);
    if (holders.some((holding) => holding.owner !== owner)) return { ok: false };
    this.holdings.set(socketId, { key: valid.key, nick: valid.nick, owner });
    return { ok: true, first: holders.length === 0 };
  }

  async release(key: string, socketId: string): Promise<boolean> {
    const holding = this.holdings.get(socketId);
    if (holding?.key === key) this.holdings.delete(socketId);
    // Offline: the next resync drops it from Redis; announce the exit to this node's users now.
    if (!this.available) return holding?.key === key && ![...this.holdings.values()].some((other) => other.key === key);
    return Number(await this.client.eval(RELEASE, 0, this.prefix, key, this.node, socketId)) === 1;
  }

  async list(): Promise<string[]> {
    if (!this.available) return [...new Set([...this.holdings.values()].map((holding) => holding.nick))];
    return (await this.client.eval(LIST, 0, this.prefix)) as string[];
  }

  async page(after: string | undefined, limit: number): Promise<PeoplePage> {
    if (!this.available) {
      const nicks = await this.list();
      return pageOf(nicks.map((nick, index) => ({ nick, seq: index + 1 })), after, limit, nicks.length);
    }
    const from = after !== undefined && /^\d{1,15}$/.test(after) ? after : '0';
    const [count, names, next] = (await this.client.eval(PAGE, 0, this.prefix, from, limit)) as [number, string[], string];
    return next === '' ? { names, count: Number(count) } : { names, count: Number(count), next };
  }

  async count(): Promise<number> {
    if (!this.available) return (await this.list()).length;
    return this.client.zcard(`${this.prefix}order`);
  }

  /** Renews this node's liveness key; resolves false when it had expired (run {@link resync}). */
  async heartbeat(): Promise<boolean> {
    return Number(await this.client.eval(HEARTBEAT, 0, this.prefix, this.node, String(this.ttlMs))) === 1;
  }

  /** Removes the users of every node whose liveness key expired; resolves to the nicknames that left. */
  async sweep(): Promise<string[]> {
    const nodes = await this.client.smembers(`${this.prefix}nodes`);
    const gone: string[] = [];
    for (const node of nodes) {
      if (node === this.node) continue;
      gone.push(...((await this.client.eval(SWEEP, 0, this.prefix, node)) as string[]));
    }
    return gone;
  }

  /** Writes this node's local holdings back to Redis, replacing whatever Redis kept for it. */
  async resync(): Promise<ResyncResult> {
    const args: string[] = [];
    for (const [socketId, holding] of this.holdings) args.push(socketId, holding.key, holding.nick, holding.owner);
    const [entered, gone, conflicts] = (await this.client.eval(RESYNC, 0, this.prefix, this.node, String(this.ttlMs), ...args)) as [
      string[],
      string[],
      string[],
    ];
    for (const socketId of conflicts) this.holdings.delete(socketId);
    return { entered, gone, conflicts };
  }

  /** Removes this node from Redis (a clean shutdown: its users leave at once, not after the timeout). */
  async leave(): Promise<string[]> {
    this.holdings.clear();
    if (!this.available) return [];
    await this.client.del(`${this.prefix}alive:${this.node}`);
    return (await this.client.eval(SWEEP, 0, this.prefix, this.node)) as string[];
  }

  close(): Promise<void> {
    // The connection belongs to the cluster, which closes it after leave().
    return Promise.resolve();
  }
}
