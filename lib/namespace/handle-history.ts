/** `history({ before?, limit? }, ack)`: page back through older messages. */
import { DEFAULT_ROOM } from '../protocol/payloads';
import { parseHistoryRequest } from '../protocol/validate';
import type { EventHandler } from './chat-context';

/** The largest page a client may ask for. */
export const MAX_HISTORY_PAGE = 200;

/** Handles the `history` event. */
export const handleHistory: EventHandler = async (context, _socket, args, reply) => {
  const request = parseHistoryRequest(args[0], MAX_HISTORY_PAGE);
  const limit = request.limit ?? Math.max(1, context.options.historyLimit);
  const messages =
    request.before === undefined
      ? await context.store.latest(DEFAULT_ROOM, limit)
      : await context.store.before(DEFAULT_ROOM, request.before, limit);
  reply({ ok: true, messages });
};
