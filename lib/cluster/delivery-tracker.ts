/**
 * Remembers which messages each local socket has received (from its welcome history and from
 * broadcasts, whichever node sent them), so that a gap left by a Redis outage can be filled from
 * the message log without sending anyone a message twice.
 */
import type { BatchedEvent } from '../protocol/events';
import type { ChatMessage } from '../protocol/payloads';
import type { ChatSocket } from '../chat/socket-types';

// Enough for any gap the repair fills (it reads at most `reconnectLimit` messages, ≤ 100 000 is
// allowed but 500 is the default); older ids only matter if a socket could miss them, which needs
// an outage longer than this many messages.
const REMEMBERED_IDS = 4096;

interface Delivered {
  /** Ids up to this one the socket has (its welcome history reached it); undefined before history. */
  floor: number | undefined;
  /** The most recent ids it received above `floor`, oldest first. */
  seen: Set<number>;
}

/** Per-socket delivery bookkeeping for one node's sockets. */
export class DeliveryTracker {
  private readonly sockets = new Map<string, Delivered>();
  /** The newest message id any local socket received. */
  newest = 0;

  /** Starts watching a socket's outgoing `history` and `chat` packets. */
  track(socket: ChatSocket): void {
    const delivered: Delivered = { floor: undefined, seen: new Set() };
    this.sockets.set(socket.id, delivered);
    socket.onAnyOutgoing((event: string, ...args: unknown[]) => {
      if (event === 'history' && delivered.floor === undefined) {
        const messages = args[0] as ChatMessage[];
        const last = messages[messages.length - 1];
        // A reconnect's history holds everything after its lastId; a fresh one, the newest page.
        delivered.floor = last?.id ?? 0;
        this.newest = Math.max(this.newest, delivered.floor);
      } else if (event === 'chat') {
        this.rememberMessage(delivered, args[0]);
      } else if (event === 'batch') {
        for (const [name, payload] of args[0] as BatchedEvent[]) if (name === 'chat') this.rememberMessage(delivered, payload);
      }
    });
    socket.once('disconnect', () => this.sockets.delete(socket.id));
  }

  /** The messages of `log` (ascending ids) that `socketId` has not received; marks them received. */
  missing(socketId: string, log: readonly ChatMessage[]): ChatMessage[] {
    const delivered = this.sockets.get(socketId);
    if (delivered?.floor === undefined) return [];
    const floor = delivered.floor;
    const missing = log.filter((message) => message.id > floor && !delivered.seen.has(message.id));
    for (const message of missing) this.remember(delivered, message.id);
    return missing;
  }

  private rememberMessage(delivered: Delivered, payload: unknown): void {
    const id = (payload as Partial<ChatMessage> | undefined)?.id;
    if (typeof id === 'number') this.remember(delivered, id);
  }

  private remember(delivered: Delivered, id: number): void {
    delivered.seen.add(id);
    if (id > this.newest) this.newest = id;
    if (delivered.seen.size > REMEMBERED_IDS) {
      const oldest = delivered.seen.values().next().value as number;
      delivered.seen.delete(oldest);
      // Forgotten ids fall below the floor: they are never repaired again.
      delivered.floor = Math.max(delivered.floor ?? 0, oldest);
    }
  }
}
