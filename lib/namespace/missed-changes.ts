/**
 * What a reconnecting page missed about the messages it already holds: the edits, reaction
 * changes and deletes made while it was away, replayed after its `history` as the very `edit`,
 * `reactions` and `delete` events it would have received live.
 *
 * Exactly once, in the way that matters: every replayed event is a message's whole state (its
 * text, all its counts, or its absence), so applying one again, or applying a live copy of the
 * same change that the welcome held back (see Broadcaster.hold), leaves the page as it was. Held
 * and later live events of a message are the changes that follow what was read, in the order
 * its node made them, so the last one a page applies is the newest.
 */
import type { ChatSocket } from '../chat/socket-types';
import type { MessageStore } from '../options/message-store';
import type { BatchedEvent } from '../protocol/events';
import { changeStamp, type HistoryMeta } from '../protocol/payloads';
import { parseLastId } from '../protocol/validate';

/** What the page says it holds of a room: its greatest id and greatest change number. */
export interface HeldState {
  lastId: number | undefined;
  lastRev: number | undefined;
}

/** Reads `lastRev` like `lastId`: anything that is not a whole number ≥ 0 counts as absent. */
export const parseLastRev = parseLastId;

/**
 * The events that bring a page holding messages up to `lastId` and changes up to `lastRev` to
 * the current state, and whether more messages changed than `limit` (the newest `limit` are
 * replayed). Nothing without both: a page without `lastId` gets fresh history, which is current.
 */
export async function missedChanges(
  store: MessageStore,
  room: string,
  held: HeldState,
  limit: number,
): Promise<{ events: BatchedEvent[]; truncated: boolean }> {
  if (held.lastId === undefined || held.lastRev === undefined || limit <= 0) return { events: [], truncated: false };
  const { changes, truncated } = await store.changesAfter(room, held.lastRev, held.lastId, limit);
  const events: BatchedEvent[] = [];
  for (const change of changes) {
    const stamp = changeStamp(change.rev, room);
    const message = change.message;
    if (message === undefined) {
      events.push(['delete', { id: change.id, ...stamp }]);
      continue;
    }
    if (change.edited && message.editedTs !== undefined) events.push(['edit', { id: change.id, m: message.m, editedTs: message.editedTs, ...stamp }]);
    if (change.reacted) events.push(['reactions', { id: change.id, counts: message.reactions ?? {}, ...stamp }]);
  }
  return { events, truncated };
}

/** Emits `events` to one socket, in order, each as its own event. */
export function emitEach(socket: ChatSocket, events: readonly BatchedEvent[]): void {
  const emit = socket.emit.bind(socket) as (event: string, ...args: unknown[]) => boolean;
  for (const [name, ...args] of events) emit(name, ...args);
}

/** The `history` meta's change part: the room's number when it has one, and whether the replay was cut. */
export function changeMeta(rev: number, truncated: boolean): Pick<HistoryMeta, 'rev' | 'changesTruncated'> {
  const meta: Pick<HistoryMeta, 'rev' | 'changesTruncated'> = {};
  // Absent means 0, so that a room nothing was ever changed in keeps its meta exactly as before.
  if (rev > 0) meta.rev = rev;
  if (truncated) meta.changesTruncated = true;
  return meta;
}

/**
 * The change number up to which a welcome (or join) brought the page: `rev`, read after its hold
 * began, when the page holds nothing older (a fresh history shows every change) or had its missed
 * changes replayed; 0 when it kept messages without saying `lastRev` (a held live change may be
 * news to it).
 */
export function caughtUpRev(held: HeldState, rev: number): number {
  return held.lastId === undefined || held.lastRev !== undefined ? rev : 0;
}
