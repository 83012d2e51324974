/** `typing`: someone is typing in a room (never sent for your own typing). */
import type { RoomRef } from '../../lib/protocol/payloads';
import type { ChatContext } from '../context';
import { Rooms } from '../rooms/rooms';

/** Shows the hint; it expires by itself. */
export function onTyping(ctx: ChatContext, nick: string, where?: RoomRef): void {
  if (typeof nick !== 'string') return;
  ctx.typing.add(Rooms.key(typeof where?.room === 'string' ? where.room : ''), nick);
}
