/** What a socket receives on connect: its `history`, then the outcome of the handshake's nickname. */
import { welcomeUser } from './welcome-user';
import { DEFAULT_ROOM, type ChatLine } from '../protocol/payloads';
import { isPlainObject, parseLastId } from '../protocol/validate';
import { validateNick } from '../protocol/nick';
import type { HandlerContext } from './handler-context';
import { logIn } from './handle-login';
import { holdBroadcasts } from './hold-broadcasts';
import { refuse } from '../chat/replies';
import type { ChatSocket } from '../chat/socket-types';

/**
 * Sends history (everything after `auth.lastId`, or the newest messages), then logs the socket in
 * from `auth.nick` — before any event the client queued while offline is handled.
 */
export async function welcome(context: HandlerContext, socket: ChatSocket): Promise<void> {
  const auth: Record<string, unknown> = isPlainObject(socket.handshake.auth) ? socket.handshake.auth : {};
  await sendHistory(context, socket, parseLastId(auth.lastId));
  if (socket.data.user !== undefined) return welcomeUser(context, socket);
  if (auth.nick === undefined || auth.nick === null) {
    socket.emit('session', { nick: null });
    // A reader sees who is here before choosing a name; `enter`/`exit` keep the list current.
    socket.emit('users', await context.presence.list());
    return;
  }
  try {
    await logIn(context, socket, validateNick(auth.nick, context.options.maxNickLength));
    socket.emit('session', { nick: socket.data.nick ?? null });
  } catch (error) {
    refuse(context.logger, socket, 'handshake login', error, { session: {} });
  }
}

async function sendHistory(context: HandlerContext, socket: ChatSocket, lastId: number | undefined): Promise<void> {
  const { store, options } = context;
  const hold = holdBroadcasts(socket);
  // What the history carried: a held message at or below it would be a duplicate.
  let covered = lastId ?? -1;
  const newer = (line: ChatLine): boolean => !('id' in line) || line.id > covered;
  try {
    if (lastId !== undefined) {
      const { messages, truncated } = await store.after(DEFAULT_ROOM, lastId, options.reconnectLimit);
      await context.broadcaster.settled();
      covered = Math.max(covered, messages[messages.length - 1]?.id ?? -1);
      hold.release(() => socket.emit('history', messages, truncated ? { truncated: true } : {}), newer);
    } else {
      const messages = options.historyLimit > 0 ? await store.latest(DEFAULT_ROOM, options.historyLimit) : [];
      // A message the read saw may still be on its way to the broadcast: let it arrive, held.
      await context.broadcaster.settled();
      covered = Math.max(covered, messages[messages.length - 1]?.id ?? -1);
      hold.release(() => socket.emit('history', messages, {}), newer);
    }
  } catch (error) {
    // The chat stays usable without its past; the page learns why its log starts empty.
    hold.release(() => refuse(context.logger, socket, 'reading history', error), newer);
  }
}
