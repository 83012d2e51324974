/** `enter`: someone logged in (this page's own login included). */
import type { RoomRef } from '../../lib/protocol/payloads';
import type { ChatContext } from '../context';

/** Adds the user to the list and a notice to the log. */
export function onEnter(ctx: ChatContext, nick: string, where?: RoomRef): void {
  if (typeof where?.room === 'string' && where.room !== '') {
    ctx.rooms.presence(where.room, 'enter', nick);
    return;
  }
  ctx.nicks.add(nick);
  ctx.log.addNotice('enter', nick);
}
