/** `ban({ nick, seconds? }, ack)`: a kick meant to last (a day by default): the nickname, its user and a guest's address stay out. */
import { assertModerator, DEFAULT_BAN_SECONDS, kick, logAction } from '../moderation/moderation';
import { parseSanctionRequest } from '../protocol/validate';
import type { EventHandler } from './handler-context';

/** Handles the `ban` event. */
export const handleBan: EventHandler<'ban'> = async (context, socket, args, reply) => {
  assertModerator(socket);
  const { nick, seconds } = parseSanctionRequest(args[0], DEFAULT_BAN_SECONDS);
  kick(context, nick, seconds);
  await logAction(context, { by: socket.data.nick ?? socket.data.user?.nick ?? '', action: 'ban', nick, seconds });
  reply({ ok: true });
};
