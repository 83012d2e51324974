/** `join(room | { room, lastId }, ack)`: enter a room other than the default; its history, users and `enter` follow. */
import { ChatError } from '../protocol/error-codes';
import { isPlainObject, parseLastId } from '../protocol/validate';
import type { EventHandler } from './handler-context';
import { caughtUpRev, changeMeta, emitEach, missedChanges, parseLastRev } from './missed-changes';
import type { ChatMessage } from '../protocol/payloads';
import { sendUsers } from './send-users';

/** Handles the `join` event. */
export const handleJoin: EventHandler<'join'> = async (context, socket, args, reply) => {
  const { nick, nickKey } = socket.data;
  if (nick === undefined || nickKey === undefined) throw new ChatError('NOT_LOGGED_IN');
  const request = args[0];
  const name = isPlainObject(request) ? request.room : request;
  const lastId = isPlainObject(request) ? parseLastId(request.lastId) : undefined;
  const lastRev = isPlainObject(request) ? parseLastRev(request.lastRev) : undefined;
  const { rooms, store, options, broadcaster } = context;
  const room = await rooms.registry.open(name);
  // In the room's audience before its history is read, but held, so that nothing said meanwhile
  // is missed, nothing overtakes `history`, and nothing reaches the page twice (see Broadcaster.hold).
  broadcaster.hold(socket, true);
  broadcaster.join(socket, room);
  let history: { messages: ChatMessage[]; truncated: boolean };
  let rev: number;
  let missed: Awaited<ReturnType<typeof missedChanges>>;
  try {
    // The room's change number first: every change up to it is then in what the reads return.
    rev = await store.currentRev(room);
    history =
      lastId !== undefined
        ? await store.after(room, lastId, options.reconnectLimit)
        : { messages: options.historyLimit > 0 ? await store.latest(room, options.historyLimit) : [], truncated: false };
    missed = await missedChanges(store, room, { lastId, lastRev }, options.reconnectLimit);
  } catch (error) {
    if (!rooms.members.has(room, socket.id)) broadcaster.leave(socket, room);
    broadcaster.release(socket, () => undefined, [], undefined);
    throw error;
  }
  const { messages, truncated } = history;
  const isNew = await rooms.enter(room, nick, nickKey, socket.id);
  const covered = Math.max(lastId ?? 0, messages[messages.length - 1]?.id ?? 0);
  const meta = { ...(truncated ? { truncated: true, room } : { room }), ...changeMeta(rev, missed.truncated) };
  const first = (): void => {
    socket.emit('history', context.avatars.decorateAll(messages), meta);
    emitEach(socket, missed.events);
  };
  broadcaster.release(socket, first, messages, covered, room, 0, caughtUpRev({ lastId, lastRev }, rev));
  const users = await sendUsers(context, socket, room);
  reply({ ok: true, room, ...users, ...(rev > 0 ? { rev } : {}) });
  if (isNew) broadcaster.enterRoom(nick, room);
};
