/**
 * Which messages each of this node's sockets has received (its welcome history, live events and
 * repairs), recorded by the Broadcaster as it sends them. It keeps a message from reaching a
 * socket twice (a live copy of a line its history already held) and tells the gap repair after a
 * Redis outage exactly what each socket lacks.
 */
import type { ChatMessage } from '../protocol/payloads';

// Enough for any gap the repair fills (it reads at most `reconnectLimit` messages a room, 500 by
// default); a socket could only miss an older id after an outage longer than this many messages.
const REMEMBERED_IDS = 4096;

interface Delivered {
  /** Per room: ids up to this one count as received (its history there reached that far); none until its history was sent. */
  floors: Map<string, number>;
  /** Ids up to this one were forgotten: never repaired again. */
  forgotten: number;
  /** The most recent ids it received, oldest first. */
  seen: Set<number>;
}

/** Per-socket delivery bookkeeping for one node's sockets. */
export class Deliveries {
  private readonly sockets = new Map<string, Delivered>();
  /** The newest message id any local socket received. */
  newest = 0;

  /** True when `socketId` already holds message `id` (so it must not get it again). */
  has(socketId: string, id: number): boolean {
    return this.sockets.get(socketId)?.seen.has(id) ?? false;
  }

  /** Records that `socketId` received message `id`. */
  add(socketId: string, id: number): void {
    const delivered = this.of(socketId);
    delivered.seen.add(id);
    if (id > this.newest) this.newest = id;
    if (delivered.seen.size > REMEMBERED_IDS) {
      const oldest = delivered.seen.values().next().value as number;
      delivered.seen.delete(oldest);
      delivered.forgotten = Math.max(delivered.forgotten, oldest);
    }
  }

  /** The socket's history of `room` (its welcome's, or a join's) reached message `covered`: older ones are not a gap. */
  covered(socketId: string, room: string, covered: number): void {
    const { floors } = this.of(socketId);
    floors.set(room, Math.max(floors.get(room) ?? covered, covered));
    if (covered > this.newest) this.newest = covered;
  }

  /** The messages of `room`'s `log` that socket `socketId` has not received (none before its history there). */
  missing(socketId: string, room: string, log: readonly ChatMessage[]): ChatMessage[] {
    const delivered = this.sockets.get(socketId);
    const floor = delivered?.floors.get(room);
    if (delivered === undefined || floor === undefined) return [];
    const after = Math.max(floor, delivered.forgotten);
    return log.filter((message) => message.id > after && !delivered.seen.has(message.id));
  }

  private of(socketId: string): Delivered {
    let delivered = this.sockets.get(socketId);
    if (delivered === undefined) {
      delivered = { floors: new Map(), forgotten: 0, seen: new Set() };
      this.sockets.set(socketId, delivered);
    }
    return delivered;
  }

  /** Forgets a socket that is gone. */
  forget(socketId: string): void {
    this.sockets.delete(socketId);
  }
}
