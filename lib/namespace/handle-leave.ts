/** `leave(room, ack)`: leave a joined room other than the default; the others there see `exit`. */
import { ChatError } from '../protocol/error-codes';
import type { EventHandler } from './handler-context';

/** Handles the `leave` event. */
export const handleLeave: EventHandler<'leave'> = async (context, socket, args, reply) => {
  const { nick, nickKey } = socket.data;
  if (nick === undefined || nickKey === undefined) throw new ChatError('NOT_LOGGED_IN');
  const { rooms, broadcaster } = context;
  const room = rooms.joinedRoom(rooms.registry.find(args[0]), socket.id);
  broadcaster.leave(socket, room);
  const wasLast = await rooms.exit(room, nickKey, socket.id);
  reply({ ok: true, room });
  // The leaver's socket is out of the room's audience by now: it learns from the ack.
  if (wasLast) broadcaster.exitRoom(nick, room);
};
