/** `delete`: a moderator removed a message; it leaves the page. */
import type { DeleteRequest } from '../../lib/protocol/payloads';
import type { ChatContext } from '../context';

/** Removes the message, if it is shown. */
export function onDelete(ctx: ChatContext, request: DeleteRequest): void {
  if (typeof request.id === 'number') ctx.log.removeMessage(request.id);
}
