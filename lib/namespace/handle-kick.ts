/** `kick({ nick, seconds? }, ack)`: a moderator disconnects a nickname and keeps it out for a while. */
import { assertModerator, DEFAULT_KICK_SECONDS, kick, logAction } from '../moderation/moderation';
import { parseSanctionRequest } from '../protocol/validate';
import type { EventHandler } from './handler-context';

/** Handles the `kick` event. */
export const handleKick: EventHandler<'kick'> = async (context, socket, args, reply) => {
  assertModerator(socket);
  const { nick, seconds } = parseSanctionRequest(args[0], DEFAULT_KICK_SECONDS);
  kick(context, nick, seconds);
  await logAction(context, { by: socket.data.nick ?? socket.data.user?.nick ?? '', action: 'kick', nick, seconds });
  reply({ ok: true });
};
