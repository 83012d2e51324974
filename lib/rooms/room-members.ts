/**
 * Who is in each room other than the default one, for its `users`, `enter` and `exit`. A user
 * with several sockets in a room enters with the first and exits with the last. In this process's
 * memory: in a cluster each node knows its own sockets' memberships (see the README).
 */
import { pageOf } from '../chat/presence';
import type { PeoplePage } from '../protocol/payloads';

interface Member {
  nick: string;
  /** Its place in the room's arrival order: the paging cursor. */
  seq: number;
  sockets: Set<string>;
}

/** Room memberships, by room, then by nickname key. */
export class RoomMembers {
  private readonly rooms = new Map<string, Map<string, Member>>();
  private readonly bySocket = new Map<string, Set<string>>();
  private seq = 0;

  /** Adds socket `socketId` (logged in as `nick`/`key`) to `room`; true when the user is new there. */
  add(room: string, nick: string, key: string, socketId: string): boolean {
    let members = this.rooms.get(room);
    if (members === undefined) {
      members = new Map();
      this.rooms.set(room, members);
    }
    let joined = this.bySocket.get(socketId);
    if (joined === undefined) {
      joined = new Set();
      this.bySocket.set(socketId, joined);
    }
    joined.add(room);
    const member = members.get(key);
    if (member === undefined) {
      members.set(key, { nick, seq: ++this.seq, sockets: new Set([socketId]) });
      return true;
    }
    member.sockets.add(socketId);
    return false;
  }

  /** Takes socket `socketId` out of `room`; true when it was the user's last socket there. */
  remove(room: string, key: string, socketId: string): boolean {
    this.bySocket.get(socketId)?.delete(room);
    const members = this.rooms.get(room);
    const member = members?.get(key);
    if (members === undefined || member === undefined || !member.sockets.delete(socketId)) return false;
    if (member.sockets.size > 0) return false;
    members.delete(key);
    if (members.size === 0) this.rooms.delete(room);
    return true;
  }

  /** True when socket `socketId` has joined `room`. */
  has(room: string, socketId: string): boolean {
    return this.bySocket.get(socketId)?.has(room) ?? false;
  }

  /** The rooms socket `socketId` has joined. */
  roomsOf(socketId: string): string[] {
    return [...(this.bySocket.get(socketId) ?? [])];
  }

  /** Forgets a socket that is gone (after its rooms were left). */
  forget(socketId: string): void {
    this.bySocket.delete(socketId);
  }

  /** Everyone in `room`, in the order they joined. */
  list(room: string): string[] {
    return Array.from(this.rooms.get(room)?.values() ?? [], (member) => member.nick);
  }

  /** A page of `room`'s members after cursor `after` (see {@link pageOf}), with their count. */
  page(room: string, after: string | undefined, limit: number): PeoplePage {
    const members = this.rooms.get(room);
    return pageOf(members?.values() ?? [], after, limit, members?.size ?? 0);
  }

  /** Forgets everything (on close). */
  clear(): void {
    this.rooms.clear();
    this.bySocket.clear();
  }
}
