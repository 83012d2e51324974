/** A socket left: release its nickname and announce the exit when it held the last claim. */
import type { ChatContext } from './chat-context';
import type { ChatSocket } from './types';
import { leaveAllRooms } from './room-membership';

/** Runs after the socket's other queued events, so a login in flight is released too. */
export async function handleDisconnect(context: ChatContext, socket: ChatSocket): Promise<void> {
  const { nick, nickKey } = socket.data;
  if (nick === undefined || nickKey === undefined) return;
  leaveAllRooms(context, socket, nick, nickKey);
  socket.data.nick = undefined;
  socket.data.nickKey = undefined;
  if (await context.presence.release(nickKey, socket.id)) context.broadcaster.exit(nick);
}
