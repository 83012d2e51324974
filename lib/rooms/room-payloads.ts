/** The shapes of the rooms part of the protocol: `join`, `leave`, `typing` and the `{ room }` tag. */
import type { Ack } from '../protocol/payloads';

/** The second argument of `enter`, `exit`, `users` and `typing` for a room other than the default. */
export interface RoomRef {
  room: string;
}

/** The object form of `join`, besides a bare room name. */
export interface JoinRequest {
  room: string;
  /** The greatest id of this room the client holds: `history` then carries exactly what came after. */
  lastId?: number;
}

/** Answer to `join`: the room's name as the server spells it, and everyone in it. */
export type JoinAck = Ack<{ room: string; users: string[] }>;

/** Answer to `leave`. */
export type LeaveAck = Ack<{ room: string }>;

/** What `typing` carries: nothing for the default room, else `{ room }`. */
export interface TypingRequest {
  room?: string;
}
