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
  /** Ids up to this one count as received (its history reached that far); undefined until welcomed. */
  floor: number | undefined;
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
    let delivered = this.sockets.get(socketId);
    if (delivered === undefined) {
      delivered = { floor: undefined, seen: new Set() };
      this.sockets.set(socketId, delivered);
    }
    delivered.seen.add(id);
    if (id > this.newest) this.newest = id;
    if (delivered.seen.size > REMEMBERED_IDS) {
      const oldest = delivered.seen.values().next().value as number;
      delivered.seen.delete(oldest);
      // Forgotten ids fall below the floor: they are never repaired again.
      delivered.floor = Math.max(delivered.floor ?? 0, oldest);
    }
  }

  /** The socket's welcome history reached message `covered`: older ones are not a gap. */
  welcomed(socketId: string, covered: number): void {
    const delivered = this.sockets.get(socketId);
    if (delivered === undefined) this.sockets.set(socketId, { floor: covered, seen: new Set() });
    else delivered.floor = Math.max(delivered.floor ?? covered, covered);
    if (covered > this.newest) this.newest = covered;
  }

  /** The messages of `log` that welcomed socket `socketId` has not received (none before its welcome). */
  missing(socketId: string, log: readonly ChatMessage[]): ChatMessage[] {
    const delivered = this.sockets.get(socketId);
    const floor = delivered?.floor;
    if (delivered === undefined || floor === undefined) return [];
    return log.filter((message) => message.id > floor && !delivered.seen.has(message.id));
  }

  /** Forgets a socket that is gone. */
  forget(socketId: string): void {
    this.sockets.delete(socketId);
  }
}
