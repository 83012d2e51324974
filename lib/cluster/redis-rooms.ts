/**
 * Cluster-wide rooms in Redis (see room-scripts.ts): user-created rooms, `maxRooms` and each
 * room's user list hold across nodes. This node remembers its own memberships, the truth it
 * writes back when Redis returns; while Redis is away a known room can be joined (and its list is
 * this node's), but a new room cannot be created (CLUSTER_UNAVAILABLE): its name might be taken.
 */
import { ChatError } from '../protocol/error-codes';
import type { SharedRooms } from '../chat/shared-rooms';
import { ROOM_ENTER, ROOM_LEAVE, ROOM_LIST, ROOM_OPEN, ROOM_RESYNC } from './room-scripts';

/** The ioredis commands rooms use, typed by shape (ioredis is an optional peer). */
export interface RoomsRedisClient {
  readonly status: string;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** {@link SharedRooms} in Redis. */
export class RedisRooms implements SharedRooms {
  /** room → userKey → nickname: this node's members. */
  private readonly local = new Map<string, Map<string, string>>();

  constructor(
    private readonly client: RoomsRedisClient,
    private readonly prefix: string,
    private readonly node: string,
  ) {}

  private get available(): boolean {
    return this.client.status === 'ready';
  }

  async open(key: string, room: string, limit: number): Promise<string | undefined> {
    if (!this.available) throw new ChatError('CLUSTER_UNAVAILABLE');
    const result = await this.client.eval(ROOM_OPEN, 0, this.prefix, key, room, limit);
    return typeof result === 'string' ? result : undefined;
  }

  async enter(room: string, key: string, nick: string): Promise<boolean | undefined> {
    let members = this.local.get(room);
    if (members === undefined) {
      members = new Map();
      this.local.set(room, members);
    }
    members.set(key, nick);
    if (!this.available) return undefined;
    return Number(await this.client.eval(ROOM_ENTER, 0, this.prefix, room, this.node, key, nick)) === 1;
  }

  async leave(room: string, key: string): Promise<boolean | undefined> {
    const members = this.local.get(room);
    members?.delete(key);
    if (members?.size === 0) this.local.delete(room);
    if (!this.available) return undefined;
    return Number(await this.client.eval(ROOM_LEAVE, 0, this.prefix, room, this.node, key)) === 1;
  }

  async list(room: string): Promise<string[] | undefined> {
    if (!this.available) return undefined;
    return (await this.client.eval(ROOM_LIST, 0, this.prefix, room, this.node)) as string[];
  }

  /** Writes this node's memberships back to Redis, replacing what Redis kept for it. */
  async resync(): Promise<void> {
    const args: string[] = [];
    for (const [room, members] of this.local) for (const [key, nick] of members) args.push(room, key, nick);
    await this.client.eval(ROOM_RESYNC, 0, this.prefix, this.node, ...args);
  }

  /** Removes this node's memberships (a clean shutdown). */
  async leaveAll(): Promise<void> {
    this.local.clear();
    if (this.available) await this.resync();
  }
}
