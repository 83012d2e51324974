/** The rooms part of the page's settings, present only when the host configured rooms. */
import type { ResolvedOptions } from '../options';
import type { PageConfig } from '../router';

/** `{ rooms?, allowUserRooms? }` for config.json: left out at their defaults, so older pages see no change. */
export function pageRoomsConfig(options: Pick<ResolvedOptions, 'rooms' | 'allowUserRooms'>): Pick<PageConfig, 'rooms' | 'allowUserRooms'> {
  return {
    ...(options.rooms.length > 0 ? { rooms: [...options.rooms] } : {}),
    ...(options.allowUserRooms ? { allowUserRooms: true } : {}),
  };
}
