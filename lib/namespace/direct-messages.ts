/**
 * Direct messages: a conversation room per pair of signed-in users (protocol/direct-room.ts). Its
 * events go to each participant's own audience, which every signed-in socket joins on connect,
 * so a conversation reaches all of a user's tabs on every node without anyone joining it.
 */
import type { ChatSocket } from '../chat/socket-types';
import { directRoom, isDirectRoom, participantsOf } from '../protocol/direct-room';
import { ChatError } from '../protocol/error-codes';
import { nickKey, validateNick } from '../protocol/nick';
import type { HandlerContext } from './handler-context';

/** The audience of one signed-in user's sockets (room names cannot start with `@`). */
export function personalAudience(key: string): string {
  return `@user:${encodeURIComponent(key)}`;
}

/** The nickname key a signed-in socket is known by in conversations; undefined for a guest. */
export function directKeyOf(socket: ChatSocket): string | undefined {
  return socket.data.user === undefined ? undefined : nickKey(socket.data.user.nick);
}

/** Where a room's events go: the room itself, or each participant of a conversation. */
export function audiencesOf(room: string): string[] {
  const pair = participantsOf(room);
  return pair === undefined ? [room] : [...new Set(pair)].map(personalAudience);
}

/**
 * The room a request names, checked for this socket: the default room, a room it joined, or a
 * conversation its signed-in user is part of (NOT_IN_ROOM for anyone else's).
 */
export function readableRoom(context: HandlerContext, socket: ChatSocket, value: unknown): string {
  if (!isDirectRoom(value)) return context.rooms.joinedRoom(value, socket.id);
  if (!context.options.allowDirectMessages) throw new ChatError('FORBIDDEN', 'Direct messages are off in this chat');
  const key = directKeyOf(socket);
  const pair = participantsOf(value);
  if (key === undefined || pair === undefined || !pair.includes(key)) throw new ChatError('NOT_IN_ROOM');
  return value;
}

/** The conversation room of this socket's user and nickname `to`; refuses guests, and DMs when off. */
export function conversationWith(context: HandlerContext, socket: ChatSocket, to: unknown): string {
  if (!context.options.allowDirectMessages) throw new ChatError('FORBIDDEN', 'Direct messages are off in this chat');
  const key = directKeyOf(socket);
  if (key === undefined) throw new ChatError('UNAUTHORIZED', 'Sign in to send direct messages');
  return directRoom(key, validateNick(to, context.options.maxNickLength).key);
}

/** Refuses BLOCKED when the other participant of conversation `room` blocked this socket's user. */
export async function assertNotBlocked(context: HandlerContext, socket: ChatSocket, room: string): Promise<void> {
  const key = directKeyOf(socket);
  const pair = participantsOf(room);
  if (key === undefined || pair === undefined) return;
  const other = pair[0] === key ? pair[1] : pair[0];
  if (other !== key && (await context.store.isBlocked(other, key))) throw new ChatError('BLOCKED');
}
