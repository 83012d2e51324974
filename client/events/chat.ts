/** `chat`: a stored message for everyone, or a SYSTEM line (no id) for this page only. */
import type { ChatLine } from '../../lib/protocol/payloads';
import type { ChatContext } from '../context';

/** Adds the line; a message already shown (your own, acked first) is not added twice. */
export function onChat(ctx: ChatContext, line: ChatLine): void {
  if ('id' in line && typeof line.id === 'number') ctx.log.addMessages([line]);
  else ctx.log.addSystem(line.m);
}
