/** What the handlers share about rooms: which exist, who is in each, and who typed when. */
import { DEFAULT_ROOM } from '../protocol/payloads';
import { ChatError } from '../protocol/error-codes';
import type { SharedRooms } from '../chat/shared-rooms';
import { RoomMembers } from './room-members';
import { pageOf } from '../chat/presence';
import type { PeoplePage } from '../protocol/payloads';
import { RoomRegistry, type RoomRegistrySettings } from './room-registry';

/** How often one socket's `typing` is relayed to a room at most. */
export const TYPING_RELAY_INTERVAL_MS = 1000;

/** The rooms of one chat. */
export class Rooms {
  readonly registry: RoomRegistry;
  readonly members = new RoomMembers();
  private readonly lastTyping = new Map<string, number>();

  /** `shared`: the cluster's rooms (which exist, who is in each); none on one process. */
  constructor(
    settings: RoomRegistrySettings,
    private readonly shared?: SharedRooms,
  ) {
    this.registry = new RoomRegistry(settings, shared);
  }

  /**
   * Socket `socketId` (logged in as `nick`/`key`) joins `room`; true when the user is new there
   * (on any node of a cluster): announce their `enter`.
   */
  async enter(room: string, nick: string, key: string, socketId: string): Promise<boolean> {
    const firstHere = this.members.add(room, nick, key, socketId);
    if (!firstHere || this.shared === undefined) return firstHere;
    // Redis away: this node's view decides; the cluster's list is rewritten when it returns.
    return (await this.shared.enter(room, key, nick).catch(() => undefined)) ?? true;
  }

  /** Socket `socketId` leaves `room`; true when it was the user's last socket there (on any node): announce their `exit`. */
  async exit(room: string, key: string, socketId: string): Promise<boolean> {
    const lastHere = this.members.remove(room, key, socketId);
    if (!lastHere || this.shared === undefined) return lastHere;
    return (await this.shared.leave(room, key).catch(() => undefined)) ?? true;
  }

  /** Everyone in `room`: the whole cluster's list, or this node's while Redis is away. */
  async users(room: string): Promise<string[]> {
    if (this.shared === undefined) return this.members.list(room);
    return (await this.shared.list(room).catch(() => undefined)) ?? this.members.list(room);
  }

  /**
   * A page of `room`'s members (see {@link pageOf}). A cluster's rooms are read whole from Redis,
   * whose list drops dead nodes' members as it reads, and paged here by position.
   */
  async page(room: string, after: string | undefined, limit: number): Promise<PeoplePage> {
    if (this.shared === undefined) return this.members.page(room, after, limit);
    const nicks = await this.users(room);
    return pageOf(nicks.map((nick, index) => ({ nick, seq: index + 1 })), after, limit, nicks.length);
  }

  /** How many are in `room` (the cluster's count, or this node's while Redis is away). */
  async count(room: string): Promise<number> {
    if (this.shared === undefined) return this.members.page(room, undefined, 0).count;
    return (await this.users(room)).length;
  }

  /**
   * The room a `chat`, `history` or `typing` request is for: the default room, or a room socket
   * `socketId` has joined (NOT_IN_ROOM otherwise, UNKNOWN_ROOM for a room that does not exist).
   */
  joinedRoom(value: unknown, socketId: string): string {
    if (value === DEFAULT_ROOM) return DEFAULT_ROOM;
    const room = this.registry.find(value);
    if (!this.members.has(room, socketId)) throw new ChatError('NOT_IN_ROOM');
    return room;
  }

  /** True when socket `socketId`'s `typing` in `room` may be relayed now (at most once a second). */
  mayRelayTyping(room: string, socketId: string, now: number): boolean {
    const key = `${socketId}\u0000${room}`;
    const last = this.lastTyping.get(key);
    if (last !== undefined && now - last < TYPING_RELAY_INTERVAL_MS) return false;
    this.lastTyping.set(key, now);
    return true;
  }

  /** Socket `socketId` sent a message in `room`: its next `typing` there is relayed at once. */
  typingDone(room: string, socketId: string): void {
    this.lastTyping.delete(`${socketId}\u0000${room}`);
  }

  /** Forgets a socket's typing times (it disconnected). */
  forgetTyping(socketId: string): void {
    for (const key of this.lastTyping.keys()) if (key.startsWith(`${socketId}\u0000`)) this.lastTyping.delete(key);
  }

  /** Forgets everything (on close). */
  clear(): void {
    this.members.clear();
    this.lastTyping.clear();
  }
}
