/** The per-chat state of the abuse limits, built once at creation and shared by every socket. */
import type { ResolvedOptions } from '../options';
import { ConnectionCounter } from './connection-limit';
import { createRateLimit, type RateLimit, type RateLimitRedis } from './rate-limit';

/** What the limits keep for one chat. */
export interface Limits {
  /** Open connections per address (this node's). */
  connections: ConnectionCounter;
  /** Open connections per signed-in user id (this node's). */
  userConnections: ConnectionCounter;
  /** Chat messages per user: a signed-in id, else a guest's nickname and address. */
  messages: RateLimit | undefined;
  /** Logins, renames and handshake logins per address. */
  logins: RateLimit | undefined;
}

/**
 * Builds the limits from the resolved options. With `redis` (the cluster's client), the message
 * and login budgets are kept in Redis and shared by every node of the chat.
 */
export function createLimits(options: ResolvedOptions, redis?: RateLimitRedis): Limits {
  const prefix = `${options.cluster?.keyPrefix ?? 'chatterbox:'}rl:${options.namespace}:`;
  return {
    connections: new ConnectionCounter(options.maxConnectionsPerAddress),
    userConnections: new ConnectionCounter(options.maxConnectionsPerUser),
    messages: options.messageRate === false ? undefined : createRateLimit(options.messageRate, redis, `${prefix}messages`),
    logins: options.loginRate === false ? undefined : createRateLimit(options.loginRate, redis, `${prefix}logins`),
  };
}
