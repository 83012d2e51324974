/** `mute({ nick, seconds? }, ack)`: a moderator keeps a nickname from sending for a while. */
import { assertModerator, DEFAULT_MUTE_SECONDS, logAction, mute } from '../moderation/moderation';
import { parseSanctionRequest } from '../protocol/validate';
import type { EventHandler } from './handler-context';

/** Handles the `mute` event. */
export const handleMute: EventHandler<'mute'> = async (context, socket, args, reply) => {
  assertModerator(socket);
  const { nick, seconds } = parseSanctionRequest(args[0], DEFAULT_MUTE_SECONDS);
  mute(context, nick, seconds);
  await logAction(context, { by: socket.data.nick ?? socket.data.user?.nick ?? '', action: 'mute', nick, seconds });
  reply({ ok: true });
};
