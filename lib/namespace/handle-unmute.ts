/** `unmute({ nick }, ack)`: a moderator lifts a mute (also the undo of the page's mute). */
import { assertModerator, logAction, unmute } from '../moderation/moderation';
import { parseUnsanctionRequest } from '../protocol/validate';
import type { EventHandler } from './handler-context';

/** Handles the `unmute` event; acks ok whether or not one was in force (the end state is the same). */
export const handleUnmute: EventHandler<'unmute'> = async (context, socket, args, reply) => {
  assertModerator(socket);
  const { nick } = parseUnsanctionRequest(args[0]);
  unmute(context, nick);
  await logAction(context, { by: socket.data.nick ?? socket.data.user?.nick ?? '', action: 'unmute', nick });
  reply({ ok: true });
};
