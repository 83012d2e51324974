/** `disconnect` (reserved): the connection dropped; Socket.IO reconnects unless the server ended it. */
import type { ChatContext } from '../context';

/** Shows the page as disconnected and holds outgoing messages. */
export function onDisconnect(ctx: ChatContext): void {
  ctx.status.show('disconnected');
  ctx.session.disconnected();
}
