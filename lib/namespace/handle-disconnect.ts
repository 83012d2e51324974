/** A socket left: release its nickname and announce the exit when it held the last claim. */
import type { HandlerContext } from './handler-context';
import type { ChatSocket } from '../chat/socket-types';
import { leaveAllRooms } from './carry-rooms';

/** Runs after the socket's other queued events, so a login in flight is released too. */
export async function handleDisconnect(context: HandlerContext, socket: ChatSocket): Promise<void> {
  const { nick, nickKey } = socket.data;
  if (nick === undefined || nickKey === undefined) return;
  await leaveAllRooms(context, socket, nick, nickKey);
  socket.data.nick = undefined;
  socket.data.nickKey = undefined;
  if (await context.presence.release(nickKey, socket.id)) context.broadcaster.exit(nick);
}
