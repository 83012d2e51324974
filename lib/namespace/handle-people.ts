/** `people({ room?, after?, limit? }, ack)`: a page of who is in the default room or a joined room. */
import { DEFAULT_ROOM, PRESENCE_PAGE_SIZE } from '../protocol/payloads';
import { roomOfRequest } from '../protocol/room-name';
import { parsePeopleRequest } from '../protocol/validate';
import type { EventHandler } from './handler-context';

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
