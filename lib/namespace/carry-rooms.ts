/** Moves a socket's memberships of rooms other than the default when it renames or goes away. */
import type { ValidNick } from '../protocol/nick';
import type { HandlerContext } from './handler-context';
import type { ChatSocket } from '../chat/socket-types';

/** A joined socket renamed: `exit(old)` then `enter(new)` in each of its rooms, as in the default room. */
export async function renameInRooms(context: HandlerContext, socket: ChatSocket, previous: string, previousKey: string, next: ValidNick): Promise<void> {
  const { rooms, broadcaster } = context;
  for (const room of rooms.members.roomsOf(socket.id)) {
    if (await rooms.exit(room, previousKey, socket.id)) broadcaster.exitRoom(previous, room);
    if (await rooms.enter(room, next.nick, next.key, socket.id)) broadcaster.enterRoom(next.nick, room);
  }
}

/** A socket disconnected: it leaves every room it joined; the user exits where it was their last socket. */
export async function leaveAllRooms(context: HandlerContext, socket: ChatSocket, nick: string, key: string): Promise<void> {
  const { rooms, broadcaster } = context;
  for (const room of rooms.members.roomsOf(socket.id)) {
    if (await rooms.exit(room, key, socket.id)) broadcaster.exitRoom(nick, room);
  }
  rooms.members.forget(socket.id);
  rooms.forgetTyping(socket.id);
}
