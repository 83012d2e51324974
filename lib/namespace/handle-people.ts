/** `people({ room?, after?, limit? }, ack)`: a page of who is in the default room or a joined room. */
import { ChatError } from '../protocol/error-codes';
import { DEFAULT_ROOM, MAX_PEOPLE_PAGE, PRESENCE_PAGE_SIZE, type PeopleRequest } from '../protocol/payloads';
import { roomOfRequest } from '../protocol/room-name';
import { isPlainObject } from '../protocol/validate';
import type { EventHandler } from './handler-context';

/** The longest cursor accepted: a page's `next` is a short number. */
const MAX_CURSOR_LENGTH = 32;

/** Handles the `people` event: reads only, never changes presence. */
export const handlePeople: EventHandler<'people'> = async (context, socket, args, reply) => {
  const request = parsePeopleRequest(args[0]);
  const room = roomOfRequest(args[0]);
  // A room's list is for those in it, as its messages are (a direct conversation has no list).
  const name = room === DEFAULT_ROOM ? DEFAULT_ROOM : context.rooms.joinedRoom(room, socket.id);
  const limit = request.limit ?? PRESENCE_PAGE_SIZE;
  const page = name === DEFAULT_ROOM ? await context.presence.page(request.after, limit) : await context.rooms.page(name, request.after, limit);
  reply({ ok: true, ...page });
};

/** Reads a `people` request (absent or null: the first page of the default room). */
function parsePeopleRequest(value: unknown): PeopleRequest {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw new ChatError('INVALID_REQUEST', 'A people request must be an object like { room, after, limit }');
  const request: PeopleRequest = {};
  const { after, limit } = value;
  if (after !== undefined && after !== null) {
    if (typeof after !== 'string' || after.length > MAX_CURSOR_LENGTH) throw new ChatError('INVALID_REQUEST', 'after must be a previous page’s next');
    request.after = after;
  }
  if (limit !== undefined && limit !== null) {
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_PEOPLE_PAGE) {
      throw new ChatError('INVALID_REQUEST', `limit must be a whole number from 1 to ${MAX_PEOPLE_PAGE}`);
    }
    request.limit = limit;
  }
  return request;
}
