/**
 * Who is here, for a socket that just logged in, connected as a reader or joined a room: the whole
 * `users` list for the original protocol's clients, or for a digest client (handshake
 * `presence: 'digest'`) a `presence` snapshot: the count and the first page only, so that a
 * newcomer in a crowd costs a page, not the crowd.
 */
import { DEFAULT_ROOM, PRESENCE_PAGE_SIZE, type PresenceDigest, type UserList } from '../protocol/payloads';
import type { ChatSocket } from '../chat/socket-types';
import type { HandlerContext } from './handler-context';

/** Sends `users` or a `presence` snapshot of `room` to `socket`; resolves to what its ack carries. */
export async function sendUsers(context: HandlerContext, socket: ChatSocket, room: string = DEFAULT_ROOM): Promise<UserList> {
  const where = room === DEFAULT_ROOM ? undefined : { room };
  if (socket.data.digest !== true) {
    const users = room === DEFAULT_ROOM ? await context.presence.list() : await context.rooms.users(room);
    if (where === undefined) socket.emit('users', users);
    else socket.emit('users', users, where);
    return { users };
  }
  const page =
    room === DEFAULT_ROOM ? await context.presence.page(undefined, PRESENCE_PAGE_SIZE) : await context.rooms.page(room, undefined, PRESENCE_PAGE_SIZE);
  const digest: PresenceDigest = { ...where, count: page.count, names: page.names };
  if (page.next !== undefined) digest.next = page.next;
  socket.emit('presence', digest);
  return page.next === undefined ? { users: page.names, count: page.count } : { users: page.names, count: page.count, next: page.next };
}
