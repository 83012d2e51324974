/** How both SQL stores keep a reply: three columns written at send time, and whether the original is still there. */
import type { ReplyRef } from '../../protocol/payloads';

/** The reply columns of a row, as both drivers return them. */
export interface ReplyColumns {
  reply_id: number | string | null;
  reply_u: string | null;
  reply_m: string | null;
  /** True (or 1) when the answered message has been deleted since. */
  reply_gone: boolean | number | null;
}

/**
 * The select-list part for a table (its name as written in FROM, unaliased): the excerpt, and
 * whether the original is gone, found through the primary key, so no scan.
 */
export function replySelect(table: string): string {
  return `reply_id, reply_u, reply_m, (reply_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${table} AS original WHERE original.id = ${table}.reply_id)) AS reply_gone`;
}

/** The `replyTo` of a row: the excerpt, `{ id, deleted: true }` once the original is gone, or nothing. */
export function replyRefOf(row: ReplyColumns): ReplyRef | undefined {
  if (row.reply_id === null) return undefined;
  const id = Number(row.reply_id);
  if (row.reply_gone === true || row.reply_gone === 1) return { id, deleted: true };
  return { id, u: row.reply_u ?? '', m: row.reply_m ?? '' };
}
