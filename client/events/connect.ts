/** `connect` (reserved): the namespace accepted this socket; `history` and `session` follow. */
import type { ChatContext } from '../context';
import { failures } from './connect-error';

/** Shows the page as connected. */
export function onConnect(ctx: ChatContext): void {
  failures.count = 0;
  ctx.status.show('connected');
}
