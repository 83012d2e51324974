/** What every handler of one chat shares: its options, its store, its presence and its broadcaster. */
import type { MessageStore } from '../options/message-store';
import type { ChatLogger } from '../options/logger';
import type { ResolvedOptions } from '../options';
import type { Broadcaster } from './broadcaster';
import type { EventBus } from './event-bus';
import type { ChatNamespace } from './socket-types';
import type { Presence } from './presence';
import type { Sanctions } from './sanctions';

/** The dependencies of the namespace's handlers, injected so tests and clusters can swap them. */
export interface ChatContext {
  options: ResolvedOptions;
  namespace: ChatNamespace;
  store: MessageStore;
  presence: Presence;
  broadcaster: Broadcaster;
  logger: ChatLogger;
  /** Mutes and bans in force (in Redis for a cluster). */
  sanctions: Sanctions;
  /** How this node tells the other nodes of its cluster (kicks, mutes, sign-outs); a no-op on one process. */
  bus: EventBus;
}
