/** The moderation actions, shared by moderators' events and the host's API (`chat.kick`, `chat.deleteMessage`…). */
import { sanctionKeys } from '../access/access-state';
import { nickSkeletonKey } from '../access/nick-skeleton';
import type { ChatContext } from '../namespace/chat-context';
import { sendSystemLine } from '../namespace/safe-handler';
import type { ChatSocket } from '../namespace/types';

/** Default mute length, in seconds. */
export const DEFAULT_MUTE_SECONDS = 300;
/** Default kick length, in seconds. */
export const DEFAULT_KICK_SECONDS = 60;

/** This process's sockets logged in under `nick` (compared by skeleton). */
function socketsOf(context: ChatContext, nick: string): ChatSocket[] {
  const key = nickSkeletonKey(nick.normalize('NFKC').trim());
  return [...context.namespace.sockets.values()].filter((socket) => socket.data.nickKey === key);
}

function keysFor(context: ChatContext, nick: string): string[] {
  const keys = new Set([`nick:${nickSkeletonKey(nick.normalize('NFKC').trim())}`]);
  for (const socket of socketsOf(context, nick)) for (const key of sanctionKeys(socket.data)) keys.add(key);
  return [...keys];
}

/** Removes a message from history and from every page; resolves true when the store had it. */
export async function deleteMessage(context: ChatContext, id: number): Promise<boolean> {
  const found = await context.store.delete(id);
  context.broadcaster.deleted(id);
  return found;
}

/** Keeps `nick` (and, while connected, its user or address) from sending for `seconds`. */
export function mute(context: ChatContext, nick: string, seconds: number = DEFAULT_MUTE_SECONDS): number {
  const sockets = socketsOf(context, nick);
  context.access.sanctions.mute(keysFor(context, nick), Date.now() + seconds * 1000);
  for (const socket of sockets) sendSystemLine(socket, `You are muted for ${seconds} s`);
  return sockets.length;
}

/** Disconnects `nick` and keeps it (its user, or a guest's address) out for `seconds`; resolves how many sockets were closed. */
export function kick(context: ChatContext, nick: string, seconds: number = DEFAULT_KICK_SECONDS): number {
  const sockets = socketsOf(context, nick);
  context.access.sanctions.ban(keysFor(context, nick), Date.now() + seconds * 1000);
  for (const socket of sockets) {
    sendSystemLine(socket, `You were removed from the chat for ${seconds} s`);
    socket.disconnect(true);
  }
  return sockets.length;
}

/** A SYSTEM line to everyone in the default room (not kept in history). */
export function sendSystem(context: ChatContext, text: string): void {
  context.broadcaster.system(text);
}
