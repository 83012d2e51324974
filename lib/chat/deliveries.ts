/**
 * What this node has delivered, kept so that the gap repair after a Redis outage sends each
 * socket exactly what it lacks, and so that a line a socket's history carried is not sent to it
 * live as well. Per message it costs one entry for the room (not one per socket): a socket
 * received a room's message live when the message was delivered after the socket joined the room.
 * Per socket it keeps only the ids it received outside that path (its history, repairs).
 */
import type { ChatMessage } from '../protocol/payloads';

// Enough for any gap the repair fills (it reads at most `reconnectLimit` messages a room, 500 by
// default); an older id is treated as received, so it is never repaired twice.
const REMEMBERED_IDS = 4096;

/** A bounded set of ids that forgets the oldest first. */
class RecentIds {
  private readonly ids = new Set<number>();
  private readonly order: number[] = [];
  private start = 0;

  add(id: number): void {
    if (this.ids.has(id)) return;
    this.ids.add(id);
    this.order.push(id);
    if (this.ids.size > REMEMBERED_IDS) {
      this.ids.delete(this.order[this.start] ?? id);
      this.start++;
      // Compact now and then, so the queue does not grow without bound.
      if (this.start > REMEMBERED_IDS) {
        this.order.splice(0, this.start);
        this.start = 0;
      }
    }
  }

  has(id: number): boolean {
    return this.ids.has(id);
  }
}

interface RoomRecord {
  /** Message id → the delivery sequence number it went out with, oldest first. */
  sent: Map<number, number>;
  /** Ids up to this one were forgotten: treated as received. */
  forgotten: number;
}

/** What a socket has of one room. */
interface RoomMark {
  /** The delivery sequence number when it joined the room's audience. */
  joined?: number;
  /** Ids up to this one are its past (its history there reached that far). */
  floor?: number;
}

/**
 * Kept for every socket of the node, so as small as it can be: its first room's mark inline (most
 * sockets are in one room), a map only for further rooms, and the set of extra ids only once it
 * received one.
 */
interface SocketRecord {
  room: string;
  mark: RoomMark;
  /** Its other rooms' marks. */
  rooms?: Map<string, RoomMark>;
  /** Ids it received outside the room-wide path: its history lines and repairs. */
  extra?: RecentIds;
}

/** Delivery bookkeeping for one node. */
export class Deliveries {
  /** The newest message id delivered here. */
  newest = 0;
  private sequence = 0;
  private readonly rooms = new Map<string, RoomRecord>();
  private readonly sockets = new Map<string, SocketRecord>();

  /** Message `id` was delivered to `room`'s audience on this node. */
  delivered(room: string, id: number): void {
    let record = this.rooms.get(room);
    if (record === undefined) {
      record = { sent: new Map(), forgotten: 0 };
      this.rooms.set(room, record);
    }
    record.sent.set(id, ++this.sequence);
    if (id > this.newest) this.newest = id;
    if (record.sent.size > REMEMBERED_IDS) {
      for (const oldest of record.sent.keys()) {
        record.sent.delete(oldest);
        record.forgotten = Math.max(record.forgotten, oldest);
        break;
      }
    }
  }

  /** Socket `socketId` joined `room`'s audience: what is delivered there from now on reaches it. */
  joined(socketId: string, room: string): void {
    this.markOf(socketId, room).joined = this.sequence;
  }

  /** Socket `socketId` received message `id` outside the room-wide path (history, repair). */
  received(socketId: string, id: number): void {
    // A socket that received before joining any room (none does today) keeps its rooms in the map.
    const socket = this.sockets.get(socketId) ?? this.of(socketId, '');
    socket.extra ??= new RecentIds();
    socket.extra.add(id);
    if (id > this.newest) this.newest = id;
  }

  /** True when socket `socketId` received message `id` outside the room-wide path. */
  has(socketId: string, id: number): boolean {
    return this.sockets.get(socketId)?.extra?.has(id) ?? false;
  }

  /** The socket's history of `room` (its welcome's, or a join's) reached message `covered`: older ones are its past. */
  covered(socketId: string, room: string, covered: number): void {
    const mark = this.markOf(socketId, room);
    mark.floor = Math.max(mark.floor ?? covered, covered);
    if (covered > this.newest) this.newest = covered;
  }

  /** The messages of `room`'s `log` that socket `socketId` has not received (none before its history there). */
  missing(socketId: string, room: string, log: readonly ChatMessage[]): ChatMessage[] {
    const socket = this.sockets.get(socketId);
    const mark = socket === undefined ? undefined : socket.room === room ? socket.mark : socket.rooms?.get(room);
    const floor = mark?.floor;
    const joined = mark?.joined;
    if (socket === undefined || floor === undefined || joined === undefined) return [];
    const record = this.rooms.get(room);
    return log.filter((message) => {
      if (message.id <= floor || socket.extra?.has(message.id) === true) return false;
      if (record !== undefined && message.id <= record.forgotten) return false;
      const sentAt = record?.sent.get(message.id);
      return sentAt === undefined || sentAt <= joined;
    });
  }

  /** Forgets a socket that is gone. */
  forget(socketId: string): void {
    this.sockets.delete(socketId);
  }

  private of(socketId: string, room: string): SocketRecord {
    let socket = this.sockets.get(socketId);
    if (socket === undefined) {
      socket = { room, mark: {} };
      this.sockets.set(socketId, socket);
    }
    return socket;
  }

  private markOf(socketId: string, room: string): RoomMark {
    const socket = this.of(socketId, room);
    if (socket.room === room) return socket.mark;
    socket.rooms ??= new Map();
    let mark = socket.rooms.get(room);
    if (mark === undefined) {
      mark = {};
      socket.rooms.set(room, mark);
    }
    return mark;
  }
}
