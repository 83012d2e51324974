/** `typing(request?)`: relay "nick is typing" to the room, at most once a second per socket and room. */
import type { EventHandler } from './handler-context';
import { roomOfRequest } from '../protocol/room-name';

/** Handles the `typing` event; it has no ack and answers a refusal silently (it is only a hint). */
export const handleTyping: EventHandler<'typing'> = (context, socket, args) => {
  const { nick } = socket.data;
  if (nick === undefined) return Promise.resolve();
  const request = args[0];
  let room: string;
  try {
    room = context.rooms.joinedRoom(roomOfRequest(request), socket.id);
  } catch {
    // A typing hint for a room the page has just left is no error worth a line in its log.
    return Promise.resolve();
  }
  if (context.rooms.mayRelayTyping(room, socket.id, Date.now())) context.broadcaster.typing(socket, nick, room);
  return Promise.resolve();
};
