/** What the namespace's handlers share: the chat kernel's context plus the features they compose, and the handler type. */
import type { ChatContext } from '../chat/context';
import type { ChatSocket } from '../chat/socket-types';
import type { Limits } from '../limits/limits';
import type { ReportAllowance } from '../moderation/report';
import type { ClientEventName, SuccessOf } from '../protocol/events';
import type { Rooms } from '../rooms/rooms';
import type { AvatarBook } from './avatars';
import type { SharedLatestReads } from './shared-reads';

/** The kernel's context, plus the rooms, pictures, abuse limits and report allowance that only handlers consult. */
export interface HandlerContext extends ChatContext {
  /** The rooms besides the default one, and who is in each. */
  rooms: Rooms;
  /** Signed-in users' pictures, for their lines. */
  avatars: AvatarBook;
  /** Connection caps and rate budgets. */
  limits: Limits;
  /** How many reports each user may still make. */
  reports: ReportAllowance;
  /** The welcomes' shared reads of the newest messages (a storm's welcomes read them once). */
  latestReads: SharedLatestReads;
}

/** A handler's way to answer with success: a no-op when the client sent no ack function. */
export type Reply<Name extends ClientEventName> = (result: SuccessOf<Name>) => void;

/**
 * The handler of client event `Name`: validate → (store) → reply → broadcast. Its arguments are
 * whatever the client sent (hostile until validated); it answers success through `reply`, typed by
 * the event's ack in ClientToServerEvents, and refuses by throwing a ChatError — safeHandler turns
 * that into an error ack or a SYSTEM line, the same way for every event.
 */
export type EventHandler<Name extends ClientEventName> = (
  context: HandlerContext,
  socket: ChatSocket,
  args: unknown[],
  reply: Reply<Name>,
) => Promise<void>;
