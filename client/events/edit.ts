/** `edit`: its author changed a message; every log that shows it updates it. */
import type { EditNotice } from '../../lib/protocol/payloads';
import type { ChatContext } from '../context';

/** Shows the new text with an edited marker. */
export function onEdit(ctx: ChatContext, notice: EditNotice): void {
  if (typeof notice.id !== 'number' || typeof notice.m !== 'string') return;
  ctx.rooms.eachLog((log) => log.applyEdit(notice.id, notice.m, notice.editedTs));
  ctx.rooms.seenRev(notice.room, notice.rev);
}
