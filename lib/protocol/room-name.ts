/** Room names: checked by the nickname rules (protocol/nick.ts), with their own error code. */
import { ChatError } from './error-codes';
import { DEFAULT_ROOM } from './payloads';
import { checkNickText, foldNick } from './nick';
import { isPlainObject } from './validate';

/** A room name as shown, and the key two names are compared by (case- and width-folded). */
export interface ValidRoom {
  room: string;
  key: string;
}

/** Checks a room name like a nickname (NFKC, trimmed, no invisible characters, at most `maxLength`). */
export function validateRoomName(value: unknown, maxLength: number): ValidRoom {
  try {
    const room = checkNickText(value, maxLength);
    // `@` starts the names of direct conversations (protocol/direct-room.ts), which no one may pick.
    if (room.startsWith('@')) throw new ChatError('INVALID_ROOM', 'A room name cannot start with @');
    return { room, key: foldNick(room) };
  } catch (error) {
    if (!(error instanceof ChatError)) throw error;
    // The nickname rules, reworded: the same checks, one code that says which argument it was.
    throw new ChatError('INVALID_ROOM', error.message.replace(/nickname/g, 'room name'));
  }
}

/**
 * The room named by a `chat`, `history` or `typing` argument: `''` (the default room) when the
 * argument has no `room` or it is `''`; otherwise the name still to be looked up.
 */
export function roomOfRequest(value: unknown): unknown {
  if (!isPlainObject(value) || value.room === undefined || value.room === DEFAULT_ROOM) return DEFAULT_ROOM;
  return value.room;
}
