/** `block({ nick, blocked? }, ack)`: a signed-in user refuses (or allows again) direct messages from a nickname. */
import { ChatError } from '../protocol/error-codes';
import { validateNick } from '../protocol/nick';
import { parseBlockRequest } from '../protocol/validate';
import { directKeyOf } from './direct-messages';
import type { EventHandler } from './handler-context';

/** Handles the `block` event; the block is stored, so it holds across restarts and nodes. */
export const handleBlock: EventHandler<'block'> = async (context, socket, args, reply) => {
  const request = parseBlockRequest(args[0]);
  const key = directKeyOf(socket);
  if (key === undefined) throw new ChatError('UNAUTHORIZED', 'Sign in to block direct messages');
  const target = validateNick(request.nick, context.options.maxNickLength);
  await context.store.setBlocked(key, target.key, request.blocked);
  reply({ ok: true, nick: target.nick, blocked: request.blocked });
};
