/** `read`: this user read a direct conversation (in this tab or another): clear its badge. */
import type { ReadRequest } from '../../lib/protocol/payloads';
import type { ChatContext } from '../context';

/** Clears the conversation's unread count when it was read to its newest message. */
export function onRead(ctx: ChatContext, notice: ReadRequest): void {
  ctx.directs.read(notice);
}
