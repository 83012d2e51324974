/** `edit({ id, m }, ack)`: an author changes their own message, stored, then shown to its room. */
import { screenMessage } from '../moderation/screen-message';
import { ChatError } from '../protocol/error-codes';
import { changeStamp } from '../protocol/payloads';
import { parseEditRequest } from '../protocol/validate';
import { audiencesOf } from './direct-messages';
import type { EventHandler } from './handler-context';
import { assertOwnWithinWindow, readableMessage } from './own-message';

/** Handles the `edit` event. Moderators may delete others' messages but never put words in their mouths. */
export const handleEdit: EventHandler<'edit'> = async (context, socket, args, reply) => {
  if (socket.data.nick === undefined) throw new ChatError('NOT_LOGGED_IN');
  const request = parseEditRequest(args[0], context.options.maxMessageLength);
  const stored = await readableMessage(context, socket, request.id);
  const editedTs = Date.now();
  assertOwnWithinWindow(context, socket, stored, editedTs);
  // The new text passes the same checks as a new message: a mute, then the host's onMessage.
  const m = await screenMessage(context, socket, request.m, stored.room);
  await context.broadcaster.track(async () => {
    const change = await context.store.edit(request.id, m, editedTs);
    // Deleted between the check and now: nothing to show.
    if (change === undefined) throw new ChatError('MESSAGE_NOT_FOUND');
    const notice = { id: request.id, m, editedTs, ...changeStamp(change.rev, change.room) };
    reply({ ok: true, ...notice });
    for (const audience of audiencesOf(stored.room)) context.broadcaster.edited(audience, notice);
  });
};
