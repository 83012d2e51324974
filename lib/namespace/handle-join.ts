/** `join(room | { room, lastId }, ack)`: enter a room other than the default; its history, users and `enter` follow. */
import { ChatError } from '../protocol/error-codes';
import { isPlainObject, parseLastId } from '../protocol/validate';
import type { EventHandler } from './handler-context';

/** Handles the `join` event. */
export const handleJoin: EventHandler = async (context, socket, args, reply) => {
  const { nick, nickKey } = socket.data;
  if (nick === undefined || nickKey === undefined) throw new ChatError('NOT_LOGGED_IN');
  const request = args[0];
  const name = isPlainObject(request) ? request.room : request;
  const lastId = isPlainObject(request) ? parseLastId(request.lastId) : undefined;
  const { rooms, store, options, broadcaster } = context;
  const room = await rooms.registry.open(name);
  // History first, so that the page holds the room's past before its new lines arrive.
  const history =
    lastId !== undefined
      ? await store.after(room, lastId, options.reconnectLimit)
      : { messages: options.historyLimit > 0 ? await store.latest(room, options.historyLimit) : [], truncated: false };
  const isNew = await rooms.enter(room, nick, nickKey, socket.id);
  broadcaster.join(socket, room);
  socket.emit('history', history.messages, history.truncated ? { truncated: true, room } : { room });
  const users = await rooms.users(room);
  socket.emit('users', users, { room });
  reply({ ok: true, room, users });
  if (isNew) broadcaster.enterRoom(nick, room);
};
