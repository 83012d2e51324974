/** `chat`: a stored message for everyone, or a SYSTEM line (no id) for this page only. */
import type { ChatLine } from '../../lib/protocol/payloads';
import type { ChatContext } from '../context';

/** Adds the line; a message already shown (your own, acked first) is not added twice. */
export function onChat(ctx: ChatContext, line: ChatLine): void {
  if ('id' in line && typeof line.id === 'number') {
    ctx.directs.arrived(line);
    if (typeof line.room === 'string' && line.room !== '') ctx.rooms.messages(line.room, [line], true);
    else ctx.rooms.noteMessages('', [line], ctx.log.addMessages([line]));
  } else {
    ctx.log.addSystem(line.m);
  }
}
