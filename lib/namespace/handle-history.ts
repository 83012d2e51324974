/** `history({ before?, limit? }, ack)`: page back through older messages. */
import { parseHistoryRequest } from '../protocol/validate';
import { roomOfRequest } from '../protocol/room-name';
import { readableRoom } from './direct-messages';
import type { EventHandler } from './handler-context';

/** The largest page a client may ask for. */
export const MAX_HISTORY_PAGE = 200;

/** Handles the `history` event. */
export const handleHistory: EventHandler<'history'> = async (context, socket, args, reply) => {
  const request = parseHistoryRequest(args[0], MAX_HISTORY_PAGE);
  const room = readableRoom(context, socket, roomOfRequest(args[0]));
  const limit = request.limit ?? Math.max(1, context.options.historyLimit);
  const messages =
    request.before === undefined
      ? await context.store.latest(room, limit)
      : await context.store.before(room, request.before, limit);
  reply({ ok: true, messages: context.avatars.decorateAll(messages) });
};
