/** What the handlers share about rooms: which exist, who is in each, and who typed when. */
import { DEFAULT_ROOM } from '../protocol/payloads';
import { ChatError } from '../protocol/error-codes';
import { RoomMembers } from './room-members';
import { RoomRegistry, type RoomRegistrySettings } from './room-registry';

/** How often one socket's `typing` is relayed to a room at most. */
export const TYPING_RELAY_INTERVAL_MS = 1000;

/** The rooms of one chat. */
export class Rooms {
  readonly registry: RoomRegistry;
  readonly members = new RoomMembers();
  private readonly lastTyping = new Map<string, number>();

  constructor(settings: RoomRegistrySettings) {
    this.registry = new RoomRegistry(settings);
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
