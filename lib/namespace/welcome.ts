/** What a socket receives on connect: its `history`, then the outcome of the handshake's nickname. */
import { welcomeUser } from './welcome-user';
import { DEFAULT_ROOM } from '../protocol/payloads';
import { isPlainObject, parseLastId } from '../protocol/validate';
import { validateNick } from '../protocol/nick';
import type { HandlerContext } from './handler-context';
import { caughtUpRev, changeMeta, emitEach, missedChanges, parseLastRev, type HeldState } from './missed-changes';
import { logIn } from './handle-login';
import { sendUsers } from './send-users';
import { refuse } from '../chat/replies';
import type { ChatSocket } from '../chat/socket-types';

/**
 * Sends history (everything after `auth.lastId`, or the newest messages), then logs the socket in
 * from `auth.nick` — before any event the client queued while offline is handled.
 */
export async function welcome(context: HandlerContext, socket: ChatSocket): Promise<void> {
  const auth: Record<string, unknown> = isPlainObject(socket.handshake.auth) ? socket.handshake.auth : {};
  await sendHistory(context, socket, { lastId: parseLastId(auth.lastId), lastRev: parseLastRev(auth.lastRev) });
  if (socket.data.user !== undefined) return welcomeUser(context, socket);
  if (auth.nick === undefined || auth.nick === null) {
    socket.emit('session', { nick: null });
    // A reader sees who is here before choosing a name; `enter`/`exit` (or digests) keep it
    // current from now on (its list covers everyone before: see Broadcaster.hearPresence).
    context.broadcaster.hearPresence(socket);
    await sendUsers(context, socket);
    return;
  }
  try {
    await logIn(context, socket, validateNick(auth.nick, context.options.maxNickLength));
    socket.emit('session', { nick: socket.data.nick ?? null });
  } catch (error) {
    context.broadcaster.hearPresence(socket);
    refuse(context.logger, socket, 'handshake login', error, { session: {} });
  }
}

/**
 * Sends the welcome history first and exactly once per message: the Broadcaster holds the socket's
 * live events from its connection (see connection.ts) until the history is out, then sends what it
 * held except lines the history carried; later live copies of those lines are dropped too.
 */
async function sendHistory(context: HandlerContext, socket: ChatSocket, held: HeldState): Promise<void> {
  const { store, options, broadcaster, latestReads } = context;
  const { lastId } = held;
  broadcaster.hold(socket);
  try {
    // The room's change number first: every change up to it is then in what the reads return.
    const rev = await store.currentRev(DEFAULT_ROOM);
    const { messages, truncated } =
      lastId !== undefined
        ? await store.after(DEFAULT_ROOM, lastId, options.reconnectLimit)
        : { messages: options.historyLimit > 0 ? await latestReads.read(DEFAULT_ROOM, options.historyLimit, () => store.latest(DEFAULT_ROOM, options.historyLimit)) : [], truncated: false };
    const missed = await missedChanges(store, DEFAULT_ROOM, held, options.reconnectLimit);
    const meta = { ...(truncated ? { truncated: true } : {}), ...changeMeta(rev, missed.truncated) };
    // What the history carried: older messages are the past, not a gap to repair.
    const covered = Math.max(lastId ?? 0, messages[messages.length - 1]?.id ?? 0);
    const first = (): void => {
      socket.emit('history', context.avatars.decorateAll(messages), meta);
      emitEach(socket, missed.events);
    };
    broadcaster.release(socket, first, messages, covered, DEFAULT_ROOM, lastId ?? 0, caughtUpRev(held, rev));
  } catch (error) {
    // The chat stays usable without its past; the page learns why its log starts empty.
    broadcaster.release(socket, () => refuse(context.logger, socket, 'reading history', error), [], lastId ?? 0);
  }
}
