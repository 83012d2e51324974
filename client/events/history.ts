/** `history`: the first event of every connection, the messages this page has not seen. */
import type { ChatMessage, HistoryMeta } from '../../lib/protocol/payloads';
import type { ChatContext } from '../context';

/** Adds the replayed messages (the log skips any it shows already); offers a gap's earlier ones. */
export function onHistory(ctx: ChatContext, messages: ChatMessage[], meta: HistoryMeta | undefined): void {
  if (!Array.isArray(messages)) return;
  ctx.rooms.seenRev(meta?.room, meta?.rev);
  if (typeof meta?.room === 'string' && meta.room !== '') {
    ctx.rooms.messages(meta.room, messages, false);
    return;
  }
  const heldBefore = ctx.log.lastId;
  ctx.log.addMessages(messages);
  if (meta?.truncated) ctx.pager.truncated(messages, heldBefore);
}
