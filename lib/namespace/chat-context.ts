/** What every handler of one chat shares: its options, its store, its presence and its broadcaster. */
import type { AccessState } from '../access/access-state';
import type { MessageStore } from '../history/message-store';
import type { ChatLogger } from '../logger';
import type { ResolvedOptions } from '../options';
import type { Broadcaster } from './broadcaster';
import type { ChatNamespace, ChatSocket } from './types';
import type { Presence } from './presence';
import type { Rooms } from '../rooms/rooms';

/** The dependencies of the namespace's handlers, injected so tests and clusters can swap them. */
export interface ChatContext {
  options: ResolvedOptions;
  namespace: ChatNamespace;
  store: MessageStore;
  presence: Presence;
  broadcaster: Broadcaster;
  logger: ChatLogger;
  /** The rooms besides the default one, and who is in each. */
  rooms: Rooms;
  /** Access control and abuse limits (lib/access, lib/limits, lib/moderation). */
  access: AccessState;
}

/** A handler's way to answer: a no-op when the client sent no ack function. */
export type Reply = (result: object) => void;

/** One client event's handler: validate → (store) → reply → broadcast; it throws a ChatError to refuse. */
export type EventHandler = (context: ChatContext, socket: ChatSocket, args: unknown[], reply: Reply) => Promise<void>;
