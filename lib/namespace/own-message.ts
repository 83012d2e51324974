/** The checks `edit`, `delete` and `react` share: the message exists where this socket may read it, and whose it is. */
import type { ChatSocket } from '../chat/socket-types';
import type { StoredMessage } from '../options/message-store';
import { ChatError } from '../protocol/error-codes';
import { readableRoom } from './direct-messages';
import type { HandlerContext } from './handler-context';

/**
 * Message `id`, if it is in a room this socket reads (the default room, one it joined, or its conversation);
 * MESSAGE_NOT_FOUND otherwise, so that a room's messages cannot be probed from outside it.
 */
export async function readableMessage(context: HandlerContext, socket: ChatSocket, id: number): Promise<StoredMessage> {
  const stored = await context.store.get(id);
  if (stored === undefined) throw new ChatError('MESSAGE_NOT_FOUND');
  try {
    readableRoom(context, socket, stored.room);
  } catch {
    throw new ChatError('MESSAGE_NOT_FOUND');
  }
  return stored;
}

/**
 * Refuses unless this socket's user wrote the message (same nickname key: a signed-in user from
 * any tab, a guest under the same nickname) and it is younger than `editWindowMs`.
 */
export function assertOwnWithinWindow(context: HandlerContext, socket: ChatSocket, stored: StoredMessage, now: number): void {
  if (stored.authorKey === undefined || stored.authorKey !== socket.data.nickKey) throw new ChatError('NOT_AUTHOR');
  if (now - stored.message.ts > context.options.editWindowMs) {
    throw new ChatError('EDIT_WINDOW_CLOSED', `A message can be changed for ${describeWindow(context.options.editWindowMs)} after it is sent`);
  }
}

/** "15 minutes", "1 minute", "30 s". */
function describeWindow(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  const minutes = Math.round(ms / 60_000);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
