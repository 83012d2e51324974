/** The per-chat state of access control and abuse limits, built once at creation and shared by every handler. */
import { Sanctions, type SanctionKey } from '../moderation/sanctions';
import type { ResolvedOptions } from '../options';
import { ConnectionCounter } from '../limits/connection-limit';
import { BucketMap } from '../limits/token-bucket';
import type { SocketData } from '../protocol/events';
import { nickSkeletonKey } from './nick-skeleton';

/** What access control keeps for one chat. */
export interface AccessState {
  /** Open connections per address. */
  connections: ConnectionCounter;
  /** Mutes and kicks in force. */
  sanctions: Sanctions;
  /** Chat messages per user (signed-in id, else connection). */
  messages: BucketMap | undefined;
  /** Logins and renames per address. */
  logins: BucketMap | undefined;
  /** Skeleton keys of `reservedNicks`. */
  reserved: ReadonlySet<string>;
  /** Timers to clear on close. */
  timers: Set<NodeJS.Timeout>;
}

/** Builds the access state from the resolved options. */
export function createAccessState(options: ResolvedOptions): AccessState {
  return {
    connections: new ConnectionCounter(options.maxConnectionsPerAddress),
    sanctions: new Sanctions(),
    messages: options.messageRate === false ? undefined : new BucketMap(options.messageRate),
    logins: options.loginRate === false ? undefined : new BucketMap(options.loginRate),
    reserved: new Set(options.reservedNicks.map((nick) => nickSkeletonKey(nick.normalize('NFKC').trim()))),
    timers: new Set(),
  };
}

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
