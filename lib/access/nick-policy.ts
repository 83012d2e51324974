/**
 * What a guest may call themselves beyond the core rules: no mixed scripts, no reserved name or
 * look-alike of one, no name under a kick; and the key every nickname is compared by (its skeleton).
 */
import { ChatError } from '../protocol/error-codes';
import type { ValidNick } from '../protocol/nick';
import type { ChatContext } from '../chat/context';
import type { ChatSocket } from '../chat/socket-types';
import { isMixedScript } from '../protocol/nick';

/** Checks `valid` for `socket` and returns it; throws a ChatError to refuse. */
export function admitNick(context: ChatContext, socket: ChatSocket, valid: ValidNick): ValidNick {
  const { key } = valid;
  // A signed-in user's name is the host's; these rules keep guests from imitating it.
  if (socket.data.user !== undefined) return { nick: valid.nick, key };
  if (isMixedScript(valid.nick)) {
    throw new ChatError('INVALID_NICK', 'A nickname cannot mix scripts (such as Latin and Cyrillic letters)');
  }
  if (context.options.reservedNickKeys.has(key)) throw new ChatError('NICK_RESERVED', `The nickname ${valid.nick} is reserved`);
  const banned = context.sanctions.bannedFor([`nick:${key}`]);
  if (banned > 0) throw new ChatError('FORBIDDEN', `That nickname was removed from the chat for ${Math.ceil(banned / 1000)} s`, banned);
  return { nick: valid.nick, key };
}
