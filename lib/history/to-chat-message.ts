/** Builds a message in its wire shape, the one place that decides when `room` is present. */
import { DEFAULT_ROOM, type ChatMessage } from '../protocol/payloads';

/** `{ u, m, id, ts }`, plus `room` for rooms other than the default, in that key order. */
export function toChatMessage(id: number, room: string, u: string, m: string, ts: number): ChatMessage {
  return room === DEFAULT_ROOM ? { u, m, id, ts } : { u, m, id, ts, room };
}
