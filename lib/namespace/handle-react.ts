/** `react({ id, emoji }, ack)`: toggles this user's reaction on a message; the room gets the new counts. */
import { ChatError } from '../protocol/error-codes';
import { changeStamp } from '../protocol/payloads';
import { MAX_REACTIONS_PER_MESSAGE } from '../protocol/emoji';
import { parseReactRequest } from '../protocol/validate';
import { audiencesOf } from './direct-messages';
import type { EventHandler } from './handler-context';
import { readableMessage } from './own-message';

/** Handles the `react` event. A reaction belongs to the nickname key, so a user's tabs share it. */
export const handleReact: EventHandler<'react'> = async (context, socket, args, reply) => {
  const { nick, nickKey } = socket.data;
  if (nick === undefined || nickKey === undefined) throw new ChatError('NOT_LOGGED_IN');
  const { id, emoji } = parseReactRequest(args[0]);
  const { room } = await readableMessage(context, socket, id);
  await context.broadcaster.track(async () => {
    const result = await context.store.react(id, nickKey, emoji, MAX_REACTIONS_PER_MESSAGE);
    if (result === undefined) throw new ChatError('MESSAGE_NOT_FOUND');
    reply({ ok: true, id, counts: result.counts, reacted: result.reacted });
    const notice = { id, counts: result.counts, ...changeStamp(result.rev, room) };
    for (const audience of audiencesOf(room)) context.broadcaster.reactionsChanged(audience, notice);
  });
};
