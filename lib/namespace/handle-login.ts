/** `login(nick, ack)`: claim a nickname, announce it, and tell the caller who is here. */
import { ownerOf } from '../chat/identity-keys';
import { admitNick } from '../access/nick-policy';
import { ChatError } from '../protocol/error-codes';
import { validateNick, type ValidNick } from '../protocol/nick';
import type { HandlerContext, EventHandler } from './handler-context';
import type { ChatSocket } from '../chat/socket-types';
import { renameInRooms } from './carry-rooms';
import { sendUsers } from './send-users';
import type { UserList } from '../protocol/payloads';

/** Handles the `login` event. */
export const handleLogin: EventHandler<'login'> = async (context, socket, args, reply) => {
  if (socket.data.user !== undefined) throw new ChatError('NICK_LOCKED');
  const valid = validateNick(args[0], context.options.maxNickLength);
  const users = await logIn(context, socket, valid);
  reply({ ok: true, nick: valid.nick, ...users });
};

/**
 * Logs `socket` in as `valid` (from `login` or from the handshake): claims the new name before
 * giving up the old one, so a refused rename leaves the user as they were.
 */
export async function logIn(context: HandlerContext, socket: ChatSocket, given: ValidNick): Promise<UserList> {
  const { presence, broadcaster } = context;
  const valid = admitNick(context, socket, given);
  const previous = socket.data.nick;
  const previousKey = socket.data.nickKey;
  const claim = await presence.claim(valid, ownerOf(socket.data, socket.id), socket.id);
  if (!claim.ok) throw new ChatError('NICK_TAKEN', `The nickname ${valid.nick} is already taken`);
  // A socket logging in at its welcome hears who comes and goes from its own login on: the list
  // it is sent below covers everyone before (in a join storm, nearly the whole crowd).
  broadcaster.hearPresence(socket);
  if (previous !== undefined && previousKey !== undefined) {
    if (previousKey !== valid.key) await presence.release(previousKey, socket.id);
    broadcaster.exit(previous);
  }
  socket.data.nick = valid.nick;
  socket.data.nickKey = valid.key;
  // A signed-in user's second tab joins the entry the first one made.
  if (claim.first || previous !== undefined) broadcaster.enter(valid.nick);
  if (previous !== undefined && previousKey !== undefined) await renameInRooms(context, socket, previous, previousKey, valid);
  return sendUsers(context, socket);
}
