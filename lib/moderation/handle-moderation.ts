/** `delete({ id })`, `mute({ nick, seconds? })` and `kick({ nick, seconds? })`: moderators' events. */
import { ChatError } from '../protocol/error-codes';
import { isMessageId, isPlainObject } from '../protocol/validate';
import type { EventHandler } from '../namespace/chat-context';
import type { ChatSocket } from '../namespace/types';
import { DEFAULT_KICK_SECONDS, DEFAULT_MUTE_SECONDS, deleteMessage, kick, mute } from './moderation';

function assertModerator(socket: ChatSocket): void {
  if (socket.data.user?.admin !== true) throw new ChatError('FORBIDDEN', 'Only moderators can do that');
}

function parseSanction(value: unknown, fallbackSeconds: number): { nick: string; seconds: number } {
  if (!isPlainObject(value) || typeof value.nick !== 'string' || value.nick.length === 0 || value.nick.length > 1024) {
    throw new ChatError('INVALID_REQUEST', 'Expected { nick, seconds? }');
  }
  const seconds = value.seconds ?? fallbackSeconds;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1 || seconds > 7 * 24 * 3600) {
    throw new ChatError('INVALID_REQUEST', 'seconds must be a whole number from 1 to 604800');
  }
  return { nick: value.nick, seconds };
}

/** Handles the `delete` event. */
export const handleDelete: EventHandler = async (context, socket, args, reply) => {
  assertModerator(socket);
  const request = args[0];
  if (!isPlainObject(request) || !isMessageId(request.id)) throw new ChatError('INVALID_REQUEST', 'Expected { id }');
  await deleteMessage(context, request.id);
  reply({ ok: true });
};

/** A sanction event: `{ nick, seconds? }` from a moderator, applied by `apply`. */
function sanctionHandler(apply: typeof mute, defaultSeconds: number): EventHandler {
  return (context, socket, args, reply) => {
    assertModerator(socket);
    const { nick, seconds } = parseSanction(args[0], defaultSeconds);
    apply(context, nick, seconds);
    reply({ ok: true });
    return Promise.resolve();
  };
}

/** Handles the `mute` event. */
export const handleMute: EventHandler = sanctionHandler(mute, DEFAULT_MUTE_SECONDS);

/** Handles the `kick` event. */
export const handleKick: EventHandler = sanctionHandler(kick, DEFAULT_KICK_SECONDS);
