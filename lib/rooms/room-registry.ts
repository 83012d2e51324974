/**
 * Which rooms exist besides the default one: the host's fixed `rooms`, plus those users created
 * when `allowUserRooms` is on, up to `maxRooms` in all. Names are compared by their key.
 */
import { ChatError } from '../protocol/error-codes';
import { validateRoomName } from '../protocol/room-name';

/** The registry's settings, from the resolved options. */
export interface RoomRegistrySettings {
  rooms: readonly string[];
  allowUserRooms: boolean;
  maxRooms: number;
  maxLength: number;
}

/** The rooms of one chat (in this process). */
export class RoomRegistry {
  private readonly byKey = new Map<string, string>();

  constructor(private readonly settings: RoomRegistrySettings) {
    for (const room of settings.rooms) this.byKey.set(validateRoomName(room, settings.maxLength).key, room);
  }

  /** Every room besides the default, the host's first, in the order they were created. */
  list(): string[] {
    return [...this.byKey.values()];
  }

  /** The existing room `value` names, spelt as it was created; throws INVALID_ROOM or UNKNOWN_ROOM. */
  find(value: unknown): string {
    const { key } = validateRoomName(value, this.settings.maxLength);
    const room = this.byKey.get(key);
    if (room === undefined) throw new ChatError('UNKNOWN_ROOM');
    return room;
  }

  /** Like {@link find}, but creates the room when users may (TOO_MANY_ROOMS past the cap). */
  open(value: unknown): string {
    const { room, key } = validateRoomName(value, this.settings.maxLength);
    const existing = this.byKey.get(key);
    if (existing !== undefined) return existing;
    if (!this.settings.allowUserRooms) throw new ChatError('UNKNOWN_ROOM');
    if (this.byKey.size >= this.settings.maxRooms) throw new ChatError('TOO_MANY_ROOMS');
    this.byKey.set(key, room);
    return room;
  }
}
