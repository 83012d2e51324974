/** `reconnect_attempt` (the Manager's): Socket.IO is about to try connecting again. */
import type { ChatContext } from '../context';
import { failures } from './connect-error';

/** Shows the page as reconnecting; `attempt` sets the next countdown's length. */
export function onReconnectAttempt(ctx: ChatContext, attempt: number): void {
  if (Number.isFinite(attempt)) failures.count = attempt;
  ctx.status.show('reconnecting');
}
