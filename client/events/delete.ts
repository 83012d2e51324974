/** `delete`: its author, a moderator or the host removed a message; it leaves every log. */
import type { DeleteNotice } from '../../lib/protocol/payloads';
import type { ChatContext } from '../context';

/** Removes the message, if it is shown. */
export function onDelete(ctx: ChatContext, notice: DeleteNotice): void {
  if (typeof notice.id !== 'number') return;
  ctx.rooms.eachLog((log) => log.removeMessage(notice.id));
  ctx.rooms.seenRev(notice.room, notice.rev);
}
