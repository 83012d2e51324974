/** The last checks before a message is stored: a mute in force, then the host's `onMessage` hook. */
import { sanctionKeys } from '../chat/identity-keys';
import type { ChatContext } from '../chat/context';
import type { ChatSocket } from '../chat/socket-types';
import { ChatError } from '../protocol/error-codes';
import { validateMessageText } from '../protocol/validate';

/** Returns the text to store (the hook may rewrite it); throws `MUTED` or `MESSAGE_REJECTED`. */
export async function screenMessage(context: ChatContext, socket: ChatSocket, text: string, room: string): Promise<string> {
  const muted = context.sanctions.mutedFor(sanctionKeys(socket.data));
  if (muted > 0) throw new ChatError('MUTED', `You are muted for ${Math.ceil(muted / 1000)} s more`, muted);
  const hook = context.options.onMessage;
  if (hook === undefined) return text;
  const { nick, user, address } = socket.data;
  const verdict = await hook(
    { u: nick ?? '', m: text, room },
    { nick: nick ?? '', userId: user?.id, admin: user?.admin === true, address: address ?? '' },
  );
  if (verdict === false) throw new ChatError('MESSAGE_REJECTED');
  if (typeof verdict !== 'string') return text;
  try {
    return validateMessageText(verdict, context.options.maxMessageLength);
  } catch {
    // The host's rewrite broke a rule (empty, too long): refuse rather than store it.
    throw new ChatError('MESSAGE_REJECTED');
  }
}
