/**
 * Which rooms exist besides the default one: the host's fixed `rooms`, plus those users created
 * when `allowUserRooms` is on, up to `maxRooms` in all (cluster-wide when the rooms are shared).
 * Names are compared by their key.
 */
import { ChatError } from '../protocol/error-codes';
import { validateRoomName } from '../protocol/room-name';
import type { SharedRooms } from '../chat/shared-rooms';

/** The registry's settings, from the resolved options. */
export interface RoomRegistrySettings {
  rooms: readonly string[];
  allowUserRooms: boolean;
  maxRooms: number;
  maxLength: number;
}

/** The rooms of one chat: this node's copy, and the cluster's when `shared` is given. */
export class RoomRegistry {
  private readonly byKey = new Map<string, string>();

  constructor(
    private readonly settings: RoomRegistrySettings,
    private readonly shared?: SharedRooms,
  ) {
    for (const room of settings.rooms) this.byKey.set(validateRoomName(room, settings.maxLength).key, room);
  }

  /** Every room besides the default this node knows, the host's first, in the order they were created. */
  list(): string[] {
    return [...this.byKey.values()];
  }

  /** The known room `value` names, spelt as it was created; throws INVALID_ROOM or UNKNOWN_ROOM. */
  find(value: unknown): string {
    const { key } = validateRoomName(value, this.settings.maxLength);
    const room = this.byKey.get(key);
    if (room === undefined) throw new ChatError('UNKNOWN_ROOM');
    return room;
  }

  /**
   * Like {@link find}, but creates the room when users may (TOO_MANY_ROOMS past the cap); in a
   * cluster a room another node created is found, and creating one needs Redis (CLUSTER_UNAVAILABLE).
   */
  async open(value: unknown): Promise<string> {
    const { room, key } = validateRoomName(value, this.settings.maxLength);
    const existing = this.byKey.get(key);
    if (existing !== undefined) return existing;
    if (!this.settings.allowUserRooms) throw new ChatError('UNKNOWN_ROOM');
    const hostRooms = this.settings.rooms.length;
    let opened: string;
    if (this.shared === undefined) {
      if (this.byKey.size >= this.settings.maxRooms) throw new ChatError('TOO_MANY_ROOMS');
      opened = room;
    } else {
      const result = await this.shared.open(key, room, Math.max(0, this.settings.maxRooms - hostRooms));
      if (result === undefined) throw new ChatError('TOO_MANY_ROOMS');
      opened = result;
    }
    this.byKey.set(key, opened);
    return opened;
  }
}
