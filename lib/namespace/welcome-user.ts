/** Logs a signed-in user in at connect under the name the host gave, taking it back from a guest if need be. */
import { ChatError } from '../protocol/error-codes';
import type { HandlerContext } from './handler-context';
import { logIn } from './handle-login';
import { refuse } from '../chat/replies';
import type { ChatSocket } from '../chat/socket-types';
import { nickKey } from '../protocol/nick';

/** Sends `session` with the user's nickname, or with why it could not be taken. */
export async function welcomeUser(context: HandlerContext, socket: ChatSocket): Promise<void> {
  const user = socket.data.user;
  if (user === undefined) return;
  const valid = { nick: user.nick, key: nickKey(user.nick) };
  try {
    try {
      await logIn(context, socket, valid);
    } catch (error) {
      if (!(error instanceof ChatError) || error.code !== 'NICK_TAKEN' || !(await evictGuests(context, valid.key))) throw error;
      await logIn(context, socket, valid);
    }
    socket.emit('session', { nick: user.nick, identified: true, admin: user.admin });
  } catch (error) {
    context.broadcaster.hearPresence(socket);
    refuse(context.logger, socket, 'signed-in login', error, { session: { identified: true, admin: user.admin } });
  }
}

/** Logs out the guests of this process holding `key` (a signed-in user's name); true if any was. */
async function evictGuests(context: HandlerContext, key: string): Promise<boolean> {
  let evicted = false;
  for (const guest of context.namespace.sockets.values()) {
    const { nick, nickKey, user } = guest.data;
    if (user !== undefined || nick === undefined || nickKey !== key) continue;
    guest.data.nick = undefined;
    guest.data.nickKey = undefined;
    evicted = true;
    if (await context.presence.release(key, guest.id)) context.broadcaster.exit(nick);
    const error = new ChatError('NICK_RESERVED', `${nick} belongs to a signed-in user; choose another nickname`);
    refuse(context.logger, guest, 'guest nickname', error, { session: {} });
  }
  return evicted;
}
