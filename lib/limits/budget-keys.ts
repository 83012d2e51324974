/**
 * Whose budget an event is charged to. Keys outlive a connection, so reconnecting (or opening
 * another tab, or another node) does not bring a fresh budget.
 */
import type { ChatSocket } from '../chat/socket-types';
import { validateNick } from '../protocol/nick';
import { isPlainObject } from '../protocol/validate';

/** The key of the nickname `value` asks for, if it is a valid nickname. */
export function requestedNickKey(value: unknown, maxNickLength: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  try {
    return validateNick(value, maxNickLength).key;
  } catch {
    return undefined;
  }
}

/** The nickname key the handshake asks for (`auth.nick`), if it is a valid nickname. */
export function handshakeNickKey(socket: ChatSocket, maxNickLength: number): string | undefined {
  const auth: unknown = socket.handshake.auth;
  return isPlainObject(auth) ? requestedNickKey(auth.nick, maxNickLength) : undefined;
}

/**
 * The owner of a `chat` packet's message budget: a signed-in user's id (all their tabs); a guest's
 * nickname key and address: the name a `login` ahead of this chat asked for (the chat is handled
 * after it, though it arrived before the login finished), else the name it holds, else the one its
 * handshake logs it in as; with no name at all, the address alone.
 */
export function messageBudgetKey(socket: ChatSocket, maxNickLength: number, loggingInAs?: string): string {
  const { user, nickKey, address } = socket.data;
  if (user !== undefined) return `user:${user.id}`;
  const key = loggingInAs ?? nickKey ?? handshakeNickKey(socket, maxNickLength);
  return key === undefined ? `addr:${address ?? socket.id}` : `guest:${address ?? ''}\n${key}`;
}
