/** `reconnect_attempt` (the Manager's): Socket.IO is about to try connecting again. */
import type { ChatContext } from '../context';

/** Shows the page as reconnecting. */
export function onReconnectAttempt(ctx: ChatContext): void {
  ctx.status.show('reconnecting');
}
