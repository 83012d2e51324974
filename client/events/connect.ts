/** `connect` (reserved): the namespace accepted this socket; `history` and `session` follow. */
import type { ChatContext } from '../context';

/** Shows the page as connected. */
export function onConnect(ctx: ChatContext): void {
  ctx.status.show('connected');
}
