/** The moderation actions, shared by moderators' events and the host's API (`chat.kick`, `chat.deleteMessage`…). */
import { sanctionKeys } from '../chat/identity-keys';
import { nickKey } from '../protocol/nick';
import type { ChatContext } from '../chat/context';
import { sendSystemLine } from '../chat/replies';
import { ChatError } from '../protocol/error-codes';
import type { ChatSocket } from '../chat/socket-types';
import { isDirectRoom } from '../protocol/direct-room';
import { changeStamp, type ModerationEntry } from '../protocol/payloads';
import { recordAction } from './moderation-log';

/** Default mute length, in seconds. */
export const DEFAULT_MUTE_SECONDS = 300;
/** Default kick length, in seconds. */
export const DEFAULT_KICK_SECONDS = 60;
/** Default ban length (a kick meant to last), in seconds: a day. */
export const DEFAULT_BAN_SECONDS = 86_400;

/** Refuses `socket` with FORBIDDEN unless it is a moderator (`admins`, or `identify`'s `admin: true`). */
export function assertModerator(socket: ChatSocket): void {
  if (socket.data.user?.admin !== true) throw new ChatError('FORBIDDEN', 'Only moderators can do that');
}

/** This process's sockets logged in under `nick` (compared by skeleton). */
function socketsOf(context: ChatContext, nick: string): ChatSocket[] {
  const key = nickKey(nick);
  return [...context.namespace.sockets.values()].filter((socket) => socket.data.nickKey === key);
}

function keysFor(context: ChatContext, nick: string): string[] {
  const keys = new Set([`nick:${nickKey(nick)}`]);
  for (const socket of socketsOf(context, nick)) for (const key of sanctionKeys(socket.data)) keys.add(key);
  return [...keys];
}

/**
 * Removes a message from history and from every page; resolves true when the store had it.
 * `directAudiences`: where a direct conversation's events go (its two users' sockets), so that a
 * delete there, which names the conversation, reaches no one else.
 */
export async function deleteMessage(context: ChatContext, id: number, directAudiences: (room: string) => string[]): Promise<boolean> {
  const change = await context.store.delete(id);
  if (change !== undefined && isDirectRoom(change.room)) {
    for (const audience of directAudiences(change.room)) context.broadcaster.deleted(id, changeStamp(change.rev, change.room), audience);
    return true;
  }
  // Sent even when the store no longer had it: a page may still show it (pruned, or deleted on a
  // node whose broadcast this page missed). Only a recorded delete carries its number.
  context.broadcaster.deleted(id, change && changeStamp(change.rev, change.room));
  return change !== undefined;
}

/**
 * Keeps `nick` (and, while connected, its user or address) from sending for `seconds`, on every
 * node: returns how many of this node's connections it has.
 */
export function mute(context: ChatContext, nick: string, seconds: number = DEFAULT_MUTE_SECONDS): number {
  const count = muteHere(context, nick, seconds);
  context.bus.publish({ type: 'mute', nick, seconds });
  return count;
}

/** {@link mute} on this node's connections (another node's mute arrives here through the bus). */
export function muteHere(context: ChatContext, nick: string, seconds: number): number {
  const sockets = socketsOf(context, nick);
  context.sanctions.mute(keysFor(context, nick), Date.now() + seconds * 1000, nickKey(nick));
  for (const socket of sockets) sendSystemLine(socket, `You are muted for ${seconds} s`);
  return sockets.length;
}

/**
 * Disconnects `nick` on every node and keeps it (its user, or a guest's address) out for
 * `seconds`; returns how many of this node's connections were closed.
 */
export function kick(context: ChatContext, nick: string, seconds: number = DEFAULT_KICK_SECONDS): number {
  const count = kickHere(context, nick, seconds);
  context.bus.publish({ type: 'kick', nick, seconds });
  return count;
}

/** {@link kick} on this node's connections (another node's kick arrives here through the bus). */
export function kickHere(context: ChatContext, nick: string, seconds: number): number {
  const sockets = socketsOf(context, nick);
  context.sanctions.ban(keysFor(context, nick), Date.now() + seconds * 1000, nickKey(nick));
  for (const socket of sockets) {
    sendSystemLine(socket, `You were removed from the chat for ${seconds} s`);
    socket.disconnect(true);
  }
  return sockets.length;
}

/** Lifts `nick`'s mute; true when one was in force. */
export function unmute(context: ChatContext, nick: string): boolean {
  const lifted = context.sanctions.lift('mute', nickKey(nick));
  if (lifted) for (const socket of socketsOf(context, nick)) sendSystemLine(socket, 'You can send messages again');
  return lifted;
}

/** Lifts `nick`'s kick or ban (its user's and a guest's address too); true when one was in force. */
export function unban(context: ChatContext, nick: string): boolean {
  return context.sanctions.lift('ban', nickKey(nick));
}

/**
 * Records an action in the moderation log after it took effect. The action holds whatever
 * happens here: a store that is away costs the log line (logged), never the sanction.
 */
export async function logAction(context: ChatContext, entry: Omit<ModerationEntry, 'id' | 'ts'>): Promise<void> {
  try {
    await recordAction(context, entry);
  } catch (error) {
    context.logger.warn(`a moderation action (${entry.action}) took effect but could not be written to the moderation log`, {
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/** A SYSTEM line to everyone in the default room (not kept in history). */
export function sendSystem(context: ChatContext, text: string): void {
  context.broadcaster.system(text);
}
