/** The per-chat state of the abuse limits, built once at creation and shared by every socket. */
import type { ResolvedOptions } from '../options';
import { ConnectionCounter } from './connection-limit';
import { BucketMap } from './token-bucket';

/** What the limits keep for one chat. */
export interface Limits {
  /** Open connections per address. */
  connections: ConnectionCounter;
  /** Chat messages per user (signed-in id, else connection). */
  messages: BucketMap | undefined;
  /** Logins and renames per address. */
  logins: BucketMap | undefined;
}

/** Builds the limits from the resolved options. */
export function createLimits(options: ResolvedOptions): Limits {
  return {
    connections: new ConnectionCounter(options.maxConnectionsPerAddress),
    messages: options.messageRate === false ? undefined : new BucketMap(options.messageRate),
    logins: options.loginRate === false ? undefined : new BucketMap(options.loginRate),
  };
}
