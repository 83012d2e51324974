/** `reactions`: a message's reaction counts changed; its chips follow. */
import type { ReactionsNotice } from '../../lib/protocol/payloads';
import type { ChatContext } from '../context';

/** Shows the new counts. */
export function onReactions(ctx: ChatContext, notice: ReactionsNotice): void {
  if (typeof notice.id !== 'number') return;
  ctx.rooms.eachLog((log) => log.applyReactions(notice.id, notice.counts));
  ctx.rooms.seenRev(notice.room, notice.rev);
}
