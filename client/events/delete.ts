/** `delete`: its author, a moderator or the host removed a message; it leaves every log. */
import type { DeleteRequest } from '../../lib/protocol/payloads';
import type { ChatContext } from '../context';

/** Removes the message, if it is shown. */
export function onDelete(ctx: ChatContext, request: DeleteRequest): void {
  if (typeof request.id === 'number') ctx.rooms.eachLog((log) => log.removeMessage(request.id));
}
