/** `search({ q, room?, before?, limit? }, ack)`: full-text search over the history this socket may read. */
import { DEFAULT_ROOM } from '../protocol/payloads';
import { parseSearchRequest } from '../protocol/search-query';
import { readableRoom } from './direct-messages';
import type { EventHandler } from './handler-context';

/**
 * Handles the `search` event. A socket reads the default room and the rooms it joined, so those
 * are what it searches; `room` narrows to one of them or to one of its conversations (NOT_IN_ROOM otherwise).
 */
export const handleSearch: EventHandler<'search'> = async (context, socket, args, reply) => {
  const request = parseSearchRequest(args[0]);
  const rooms =
    request.room === undefined
      ? [DEFAULT_ROOM, ...context.rooms.members.roomsOf(socket.id)]
      : [readableRoom(context, socket, request.room)];
  const results = await context.store.search({ terms: request.terms, rooms, before: request.before, limit: request.limit });
  reply({ ok: true, results });
};
