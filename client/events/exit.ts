/** `exit`: someone logged out, renamed or left. */
import type { RoomRef } from '../../lib/protocol/payloads';
import type { ChatContext } from '../context';

/** Removes the user from the list and adds a notice to the log. */
export function onExit(ctx: ChatContext, nick: string, where?: RoomRef): void {
  if (typeof where?.room === 'string' && where.room !== '') {
    ctx.rooms.presence(where.room, 'exit', nick);
    return;
  }
  ctx.typing.remove('', nick);
  ctx.nicks.remove(nick);
  ctx.log.addNotice('exit', nick);
}
