/** `unban({ nick }, ack)`: a moderator lifts a kick or ban (also the undo of the page's kick or ban). */
import { assertModerator, logAction, unban } from '../moderation/moderation';
import { parseUnsanctionRequest } from '../protocol/validate';
import type { EventHandler } from './handler-context';

/** Handles the `unban` event; acks ok whether or not one was in force (the end state is the same). */
export const handleUnban: EventHandler<'unban'> = async (context, socket, args, reply) => {
  assertModerator(socket);
  const { nick } = parseUnsanctionRequest(args[0]);
  unban(context, nick);
  await logAction(context, { by: socket.data.nick ?? socket.data.user?.nick ?? '', action: 'unban', nick });
  reply({ ok: true });
};
