/** `delete({ id }, ack)`: removes a message from history and from every page. */
import { deleteMessage, logAction } from '../moderation/moderation';
import { ChatError } from '../protocol/error-codes';
import { parseIdRequest } from '../protocol/validate';
import { audiencesOf } from './direct-messages';
import type { EventHandler } from './handler-context';
import { assertOwnWithinWindow, readableMessage } from './own-message';

/** Handles the `delete` event: a moderator may delete any message, an author their own within `editWindowMs`. */
export const handleDelete: EventHandler<'delete'> = async (context, socket, args, reply) => {
  const { id } = parseIdRequest(args[0]);
  const moderator = socket.data.user?.admin === true;
  if (!moderator) {
    if (socket.data.nick === undefined) throw new ChatError('NOT_LOGGED_IN');
    assertOwnWithinWindow(context, socket, await readableMessage(context, socket, id), Date.now());
  }
  await deleteMessage(context, id, audiencesOf);
  // A moderator's delete is a moderation action; an author taking back their own line is not.
  if (moderator) await logAction(context, { by: socket.data.nick ?? socket.data.user?.nick ?? '', action: 'delete', messageId: id });
  reply({ ok: true });
};
