/** `read({ room, id }, ack?)`: a signed-in user has read a direct conversation up to message `id`. */
import { isDirectRoom } from '../protocol/direct-room';
import { ChatError } from '../protocol/error-codes';
import { parseReadRequest } from '../protocol/validate';
import { directKeyOf, personalAudience, readableRoom } from './direct-messages';
import type { EventHandler } from './handler-context';

/**
 * Handles the `read` event: moves the user's stored read marker (never backwards), acks where it
 * is now, and when it moved tells every tab of the user, on every node, so their badges clear.
 */
export const handleRead: EventHandler<'read'> = async (context, socket, args, reply) => {
  const request = parseReadRequest(args[0]);
  if (!context.options.allowDirectMessages) throw new ChatError('FORBIDDEN', 'Direct messages are off in this chat');
  const key = directKeyOf(socket);
  if (key === undefined) throw new ChatError('UNAUTHORIZED', 'Sign in to have direct conversations');
  if (!isDirectRoom(request.room)) throw new ChatError('INVALID_REQUEST', 'read takes a direct conversation');
  const room = readableRoom(context, socket, request.room);
  const marker = await context.store.markRead(key, room, request.id);
  if (marker === undefined) throw new ChatError('MESSAGE_NOT_FOUND', 'This conversation has no messages yet');
  reply({ ok: true, room, id: marker.id });
  if (marker.moved) context.broadcaster.readTo(personalAudience(key), { room, id: marker.id });
};
