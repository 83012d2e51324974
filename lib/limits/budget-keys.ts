/**
 * Whose budget an event is charged to. Keys outlive a connection, so reconnecting (or opening
 * another tab, or another node) does not bring a fresh budget.
 */
import type { ChatSocket } from '../chat/socket-types';
import { validateNick } from '../protocol/nick';
import { isPlainObject } from '../protocol/validate';

/** The nickname key the handshake asks for (`auth.nick`), if it is a valid nickname. */
export function handshakeNickKey(socket: ChatSocket, maxNickLength: number): string | undefined {
  const auth: unknown = socket.handshake.auth;
  if (!isPlainObject(auth) || auth.nick === undefined || auth.nick === null) return undefined;
  try {
    return validateNick(auth.nick, maxNickLength).key;
  } catch {
    return undefined;
  }
}

/**
 * The owner of a `chat` packet's message budget: a signed-in user's id (all their tabs); a guest's
 * nickname key and address (the name it holds, or the one its handshake is logging it in as: a
 * chat can arrive before that login has finished); else the address alone.
 */
export function messageBudgetKey(socket: ChatSocket, maxNickLength: number): string {
  const { user, nickKey, address } = socket.data;
  if (user !== undefined) return `user:${user.id}`;
  const key = nickKey ?? handshakeNickKey(socket, maxNickLength);
  return key === undefined ? `addr:${address ?? socket.id}` : `guest:${address ?? ''}\n${key}`;
}
