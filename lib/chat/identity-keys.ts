/** The keys a socket is known by: the owner of its nickname claim, and where its sanctions are kept. */
import type { SocketData } from '../protocol/events';
import type { SanctionKey } from './sanctions';

/** The owner a presence claim is made for: a signed-in user's id (tabs share it), else the socket. */
export function ownerOf(data: SocketData, socketId: string): string {
  return data.user === undefined ? `socket:${socketId}` : `user:${data.user.id}`;
}

/** The keys a socket's sanctions are looked up and recorded under. */
export function sanctionKeys(data: SocketData): SanctionKey[] {
  const keys: SanctionKey[] = [];
  if (data.nickKey !== undefined) keys.push(`nick:${data.nickKey}`);
  if (data.user !== undefined) keys.push(`user:${data.user.id}`);
  // A guest could come back under another name; a signed-in user is known by id, so an
  // address shared by several people (an office, a NAT) is only blocked for guests.
  else if (data.address !== undefined) keys.push(`addr:${data.address}`);
  return keys;
}
