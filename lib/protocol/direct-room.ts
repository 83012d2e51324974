/**
 * Direct messages live in a room named for the pair of users: `@dm:<keyA>:<keyB>`, the two
 * nickname keys URI-encoded and sorted, so both sides name the same room and no chosen room name
 * (room names may not start with `@`) can ever be one.
 */

/** What every direct conversation's room name starts with. */
export const DIRECT_ROOM_PREFIX = '@dm:';

/** The conversation room of the users whose nickname keys are `a` and `b` (either order). */
export function directRoom(a: string, b: string): string {
  const [first, second] = [encodeURIComponent(a), encodeURIComponent(b)].sort();
  return `${DIRECT_ROOM_PREFIX}${first}:${second}`;
}

/** True for a conversation room's name. */
export function isDirectRoom(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(DIRECT_ROOM_PREFIX);
}

/** The two nickname keys of a conversation room, or undefined for any other string. */
export function participantsOf(room: string): [string, string] | undefined {
  if (!isDirectRoom(room)) return undefined;
  const parts = room.slice(DIRECT_ROOM_PREFIX.length).split(':');
  if (parts.length !== 2) return undefined;
  try {
    const [a, b] = parts.map((part) => decodeURIComponent(part)) as [string, string];
    return directRoom(a, b) === room ? [a, b] : undefined;
  } catch {
    return undefined;
  }
}
