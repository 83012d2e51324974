/** `delete({ id }, ack)`: a moderator removes a message from history and from every page. */
import { assertModerator, deleteMessage, logAction } from '../moderation/moderation';
import { ChatError } from '../protocol/error-codes';
import { isMessageId, isPlainObject } from '../protocol/validate';
import type { EventHandler } from './handler-context';

/** Handles the `delete` event. */
export const handleDelete: EventHandler<'delete'> = async (context, socket, args, reply) => {
  assertModerator(socket);
  const request = args[0];
  if (!isPlainObject(request) || !isMessageId(request.id)) throw new ChatError('INVALID_REQUEST', 'Expected { id }');
  await deleteMessage(context, request.id);
  await logAction(context, { by: socket.data.nick ?? socket.data.user?.nick ?? '', action: 'delete', messageId: request.id });
  reply({ ok: true });
};
