/** What the namespace's handlers share: the chat kernel's context plus the features they compose. */
import type { ChatContext } from '../chat/context';
import type { ChatSocket } from '../chat/socket-types';
import type { Limits } from '../limits/limits';
import type { Rooms } from '../rooms/rooms';

/** The kernel's context, plus the rooms and the abuse limits that only handlers consult. */
export interface HandlerContext extends ChatContext {
  /** The rooms besides the default one, and who is in each. */
  rooms: Rooms;
  /** Connection caps and rate budgets. */
  limits: Limits;
}

/** A handler's way to answer: a no-op when the client sent no ack function. */
export type Reply = (result: object) => void;

/** One client event's handler: validate → (store) → reply → broadcast; it throws a ChatError to refuse. */
export type EventHandler = (context: HandlerContext, socket: ChatSocket, args: unknown[], reply: Reply) => Promise<void>;
